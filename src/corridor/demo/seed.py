"""Builds the seed scenario's contact group: members, people, logins and signing keys.

Only organisations and events of the public record; people are fictional staff accounts with
printed demo logins. Later topics add their part of the scenario in their own functions,
called from `build`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from corridor import clock
from corridor.clock import FixedClock
from corridor.config import Settings
from corridor.demo.azovstal import build_pause, shift
from corridor.demo.incidents import build_incidents
from corridor.demo.notifications import build_notifications
from corridor.demo.operations import build_operations
from corridor.demo.pending import build_proposal_and_report, build_trucks
from corridor.demo.scenario import GROUP_NAME, GROUP_SLUG, Login, Member, Scenario
from corridor.demo.witness import cosign_by_parties
from corridor.groups import security
from corridor.groups import service as groups
from corridor.groups.principal import OPERATOR
from corridor.log import signing

__all__ = ["GROUP_SLUG", "Scenario", "build"]


# slug, name, kind, display zone, people (username suffix, role), keys to create
MEMBERS: list[tuple[str, str, str, str, list[tuple[str, str]], list[str]]] = [
    ("un-ocha", "UN OCHA", "convener", "Europe/Kyiv",
     [("admin", "admin"), ("coordinator", "negotiator"), ("officer", "operator")], []),
    ("icrc", "International Committee of the Red Cross", "intermediary", "Europe/Kyiv",
     [("admin", "admin"), ("delegate", "negotiator"), ("logistician", "operator")],
     ["signing", "witness"]),
    ("ukraine", "Ukraine", "party", "Europe/Kyiv",
     [("admin", "admin"), ("negotiator", "negotiator"), ("liaison", "operator")],
     ["signing", "witness"]),
    ("russia", "Russian Federation", "party", "Europe/Moscow",
     [("admin", "admin"), ("negotiator", "negotiator"), ("liaison", "operator")],
     ["signing", "witness"]),
    ("wfp", "World Food Programme", "humanitarian", "Europe/Rome",
     [("admin", "admin"), ("logistician", "operator"), ("viewer", "viewer")], []),
    ("unicef", "UNICEF", "humanitarian", "Europe/Kyiv",
     [("admin", "admin"), ("logistician", "operator"), ("viewer", "viewer")], []),
]


def build_members(db: Session, settings: Settings, key_dir: Path) -> Scenario:
    """The group, its six members, their people (with passwords and tokens) and key files."""
    group = groups.create_group(
        db, slug=GROUP_SLUG, name=GROUP_NAME, timezone="Europe/Kyiv",
        key_dir=settings.log_key_dir, origin_host=settings.log_origin_host,
        lead_time_hours=48, max_pause_hours=120,
    )
    scenario = Scenario(group=group, members={}, key_dir=key_dir)
    for slug, name, kind, zone, people, key_purposes in MEMBERS:
        org = groups.add_organisation(
            db, group=group, actor=OPERATOR, slug=slug, name=name, kind=kind, timezone=zone
        )
        member = Member(org=org)
        for suffix, role in people:
            password = security.new_password()
            person = groups.add_person(
                db, organisation=org, actor=OPERATOR, username=f"{slug}.{suffix}",
                display_name=f"{name} {suffix}", role=role, password=password,
                timezone=zone,
            )
            _, token = groups.issue_token(db, person=person, actor=OPERATOR, label="demo")
            member.logins.append(Login(person.username, role, password, token))
            member.people[person.username] = person
        admin = member.principal("admin")
        for purpose in key_purposes:
            path = key_dir / f"{slug}-{purpose}.pem"
            key = signing.generate_private_key()
            signing.write_private_key(path, key)
            groups.register_key(
                db, organisation=org, actor=admin.log_actor(),
                public_key=signing.encode_public_key(signing.public_key_bytes(key)),
                purpose=purpose, label=f"{name} {purpose} key (demo)",
            )
            member.key_files[purpose] = path
        scenario.members[slug] = member
    return scenario


def build(db: Session, settings: Settings, key_dir: Path) -> Scenario:
    """The whole seed scenario; each topic adds its part here."""
    # The group forms the day before the first proposal (seed time, shifted like the rest), so
    # its members' receipts can fall due, and fall overdue, within the seeded days.
    clock.set_clock(FixedClock(datetime(2022, 4, 26, 9, 0, tzinfo=UTC) + shift()))
    try:
        scenario = build_members(db, settings, key_dir)
    finally:
        clock.reset_clock()
    scenario.pause_ids.append(build_pause(db, scenario, settings.max_vertices))
    build_incidents(db, scenario)
    build_notifications(db, scenario, settings.max_vertices)
    build_trucks(db, scenario, settings.max_vertices)  # its receipt by one party overdue
    build_operations(db, scenario)
    # Added after every earlier object (their ids stay as they were): a proposal awaiting both
    # parties' consent and a report whose follow-up awaits their answers.
    proposed, _ = build_proposal_and_report(db, scenario, settings.max_vertices)
    scenario.pause_ids.append(proposed)
    cosign_by_parties(db, scenario)  # last: the witnesses cosign the whole seeded log
    return scenario
