"""Builders of synthetic contact groups for tests (never the real parties' statements)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from corridor.config import Settings
from corridor.groups import service as groups
from corridor.groups.models import Group, Organisation, Person
from corridor.groups.principal import OPERATOR
from corridor.uow import change

# kind of each synthetic member, and its display zone
MEMBERS = {
    "convener": ("convener", "Europe/Zurich"),
    "party-a": ("party", "Europe/Kyiv"),
    "party-b": ("party", "Europe/Moscow"),
    "icrc": ("intermediary", "Europe/Zurich"),
    "aid-one": ("humanitarian", "Europe/Rome"),
    "aid-two": ("humanitarian", "America/New_York"),
    "donor": ("observer", "UTC"),
}
ROLES = ("viewer", "operator", "negotiator", "admin")


@dataclass
class World:
    group: Group
    orgs: dict[str, Organisation] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def auth(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}


def make_world(db: Session, settings: Settings, slug: str = "test-group") -> World:
    """A group with one member of every kind and one person of every role in each (`org-role`)."""
    group = groups.create_group(
        db, slug=slug, name=f"Group {slug}", timezone="Europe/Kyiv",
        key_dir=settings.log_key_dir, origin_host=settings.log_origin_host,
    )
    world = World(group=group)
    for org_slug, (kind, zone) in MEMBERS.items():
        org = groups.add_organisation(
            db, group=group, actor=OPERATOR, slug=org_slug, name=org_slug.title(), kind=kind,
            timezone=zone,
        )
        world.orgs[org_slug] = org
        for role in ROLES:
            username = f"{slug}.{org_slug}.{role}" if slug != "test-group" else f"{org_slug}.{role}"
            person = groups.add_person(
                db, organisation=org, actor=OPERATOR, username=username, display_name=username,
                role=role,
            )
            world.people[username] = person
            _, secret = groups.issue_token(db, person=person, actor=OPERATOR, label="test")
            world.tokens[username] = secret
    return world


def key_dir(settings: Settings) -> Path:
    return settings.log_key_dir


@contextmanager
def by_hand(db: Session, world: World, what: str) -> Iterator[None]:
    """A test's own edit of rows (standing in for another process or an operator's fix): it
    goes through the unit of work like any change, with a log entry saying what it was."""
    with change(db, group=world.group, actor=OPERATOR) as ch:
        yield
        ch.log("test.edited_by_hand", {"what": what})
