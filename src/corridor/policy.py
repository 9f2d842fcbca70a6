"""The one place that answers "may this person do this to this object?".

Rules are data: each action names the member kinds that may take it, the lowest role, and whether
the target must belong to the actor's own organisation (for an operation: its lead, or for
recording also a participant the lead or the convener added). Roles are ranked (an admin may
do what a negotiator may). Another group's objects do not exist for the actor (not found,
not forbidden), so that a token never reveals what other groups hold. Later topics add their
actions to RULES.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from corridor.errors import Forbidden, NotFound

ROLE_RANK = {"viewer": 0, "operator": 1, "negotiator": 2, "admin": 3}
ALL_KINDS = frozenset({"convener", "party", "intermediary", "humanitarian", "observer"})
NOT_OBSERVER = ALL_KINDS - {"observer"}
NEGOTIATING = frozenset({"convener", "party", "intermediary", "humanitarian"})
NOTIFYING = frozenset({"convener", "intermediary", "humanitarian"})
# Who sees a humanitarian organisation's sites and movements besides the notifier itself.
NOTIFICATION_READERS = frozenset({"convener", "party", "intermediary"})


class Action(StrEnum):
    GROUP_READ = "group.read"
    GROUP_UPDATE = "group.update"
    MEMBER_READ = "member.read"
    MEMBER_ADD = "member.add"
    PERSON_READ = "person.read"
    PERSON_ADD = "person.add"
    TOKEN_ISSUE = "token.issue"
    TOKEN_REVOKE = "token.revoke"
    KEY_READ = "key.read"
    KEY_REGISTER = "key.register"
    KEY_REVOKE = "key.revoke"
    LOG_READ = "log.read"
    LOG_COSIGN = "log.cosign"
    PAUSE_READ = "pause.read"
    PAUSE_PROPOSE = "pause.propose"
    PAUSE_AMEND = "pause.amend"
    PAUSE_CONSENT = "pause.consent"
    NOTIFICATION_READ = "notification.read"
    NOTIFICATION_CREATE = "notification.create"
    NOTIFICATION_ACKNOWLEDGE = "notification.acknowledge"
    NOTIFICATION_AMEND = "notification.amend"
    NOTIFICATION_WITHDRAW = "notification.withdraw"
    PLACE_READ = "place.read"
    PLACE_ADD = "place.add"
    OPERATION_READ = "operation.read"
    OPERATION_COUNT = "operation.count"
    OPERATION_PARTICIPANTS = "operation.participants"
    INCIDENT_READ = "incident.read"
    INCIDENT_REPORT = "incident.report"
    INCIDENT_ANSWER = "incident.answer"
    FOLLOWUP_CLOSE = "followup.close"
    PLAN_CREATE = "plan.create"


@dataclass(frozen=True)
class Rule:
    kinds: frozenset[str]
    min_role: str
    own_org_only: bool = False
    # Kinds that act on any organisation's objects despite own_org_only (the convener, who
    # runs the group and so decides who takes part in an operation).
    any_org_kinds: frozenset[str] = frozenset()
    # The target's participants count as its own organisation (an operation's partners record
    # counts and cargo next to its lead).
    participants_act: bool = False


RULES: dict[Action, Rule] = {
    Action.GROUP_READ: Rule(ALL_KINDS, "viewer"),
    Action.GROUP_UPDATE: Rule(frozenset({"convener"}), "admin"),
    Action.MEMBER_READ: Rule(ALL_KINDS, "viewer"),
    Action.MEMBER_ADD: Rule(frozenset({"convener"}), "admin"),
    Action.PERSON_READ: Rule(ALL_KINDS, "viewer", own_org_only=True),
    Action.PERSON_ADD: Rule(ALL_KINDS, "admin", own_org_only=True),
    Action.TOKEN_ISSUE: Rule(ALL_KINDS, "admin", own_org_only=True),
    Action.TOKEN_REVOKE: Rule(ALL_KINDS, "admin", own_org_only=True),
    Action.KEY_READ: Rule(ALL_KINDS, "viewer"),
    Action.KEY_REGISTER: Rule(ALL_KINDS, "admin", own_org_only=True),
    Action.KEY_REVOKE: Rule(ALL_KINDS, "admin", own_org_only=True),
    Action.LOG_READ: Rule(ALL_KINDS, "viewer"),
    Action.LOG_COSIGN: Rule(NOT_OBSERVER, "operator"),
    Action.PAUSE_READ: Rule(ALL_KINDS, "viewer"),
    Action.PAUSE_PROPOSE: Rule(NEGOTIATING, "negotiator"),
    Action.PAUSE_AMEND: Rule(NEGOTIATING, "negotiator"),
    Action.PAUSE_CONSENT: Rule(frozenset({"party"}), "negotiator", own_org_only=True),
    Action.NOTIFICATION_READ: Rule(NOT_OBSERVER, "viewer"),
    Action.NOTIFICATION_CREATE: Rule(NOTIFYING, "operator", own_org_only=True),
    Action.NOTIFICATION_ACKNOWLEDGE: Rule(frozenset({"party"}), "operator"),
    # Only the notifier changes or withdraws its own notice: parties acknowledged what it sent.
    Action.NOTIFICATION_AMEND: Rule(NOTIFYING, "operator", own_org_only=True),
    Action.NOTIFICATION_WITHDRAW: Rule(NOTIFYING, "operator", own_org_only=True),
    # Place names are shared reference data: pause corridors run through named waypoints
    # (proposed by conveners, parties, intermediaries), movements are routed by name and
    # incidents reported at places, so every member that writes these may add a place; an
    # observer only reads. Operator, like notifying and reporting.
    Action.PLACE_READ: Rule(ALL_KINDS, "viewer"),
    Action.PLACE_ADD: Rule(NOT_OBSERVER, "operator"),
    Action.OPERATION_READ: Rule(ALL_KINDS, "viewer"),
    # Counts, departures and cargo come from the lead and the participants it or the convener
    # added; anyone else's figures would raise false "unaccounted" and discrepancy alerts.
    Action.OPERATION_COUNT: Rule(frozenset({"intermediary", "humanitarian"}), "operator",
                                 own_org_only=True, participants_act=True),
    Action.OPERATION_PARTICIPANTS: Rule(frozenset({"convener", "intermediary", "humanitarian"}),
                                        "operator", own_org_only=True,
                                        any_org_kinds=frozenset({"convener"})),
    Action.INCIDENT_READ: Rule(ALL_KINDS, "viewer"),
    Action.INCIDENT_REPORT: Rule(NOT_OBSERVER, "operator"),
    Action.INCIDENT_ANSWER: Rule(frozenset({"party"}), "operator"),
    Action.FOLLOWUP_CLOSE: Rule(frozenset({"convener"}), "negotiator"),
    Action.PLAN_CREATE: Rule(ALL_KINDS, "viewer"),
}


@dataclass(frozen=True)
class Actor:
    """Who is asking: a person, through their organisation, in one group."""

    group_id: int
    organisation_id: int
    kind: str
    role: str
    person_id: int | None = None


@dataclass(frozen=True)
class Target:
    """What is asked about. `organisation_id` is the owning organisation, where there is one."""

    group_id: int
    organisation_id: int | None = None
    owner_kind: str | None = None
    is_draft: bool = False
    # An operation's participants (organisation ids), who record next to its lead.
    participants: frozenset[int] = frozenset()
    # For self-service: a person may manage their own tokens without being an admin.
    person_id: int | None = None


def decide(actor: Actor, action: Action, target: Target) -> str | None:
    """None when allowed; otherwise the reason, in words, that it is not."""
    rule = RULES[action]
    if actor.group_id != target.group_id:
        return "not-found"
    own_org = target.organisation_id is None or target.organisation_id == actor.organisation_id
    if target.is_draft and not own_org:
        return "not-found"
    # Need to know: other humanitarian organisations never see each other's notifications.
    if (action is Action.NOTIFICATION_READ and not own_org and target.owner_kind is not None
            and actor.kind not in NOTIFICATION_READERS):
        return "not-found"
    self_service = action in (Action.TOKEN_ISSUE, Action.TOKEN_REVOKE) and (
        target.person_id is not None and target.person_id == actor.person_id
    )
    if self_service:
        return None
    if actor.kind not in rule.kinds:
        kinds = ", ".join(sorted(rule.kinds))
        return f"'{action}' is for members of kind {kinds}; your organisation is a {actor.kind}"
    if ROLE_RANK[actor.role] < ROLE_RANK[rule.min_role]:
        return f"'{action}' needs the role {rule.min_role} or higher; you are {actor.role}"
    if rule.own_org_only and not own_org and actor.kind not in rule.any_org_kinds:
        if not rule.participants_act:
            return f"'{action}' is allowed only for your own organisation"
        if actor.organisation_id not in target.participants:
            return (f"'{action}' is allowed only for the lead organisation and the participants "
                    "that the lead or the convener added; yours is neither")
    return None


def allowed(actor: Actor, action: Action, target: Target) -> bool:
    return decide(actor, action, target) is None


def require(actor: Actor, action: Action, target: Target) -> None:
    """Raise NotFound (other group, hidden object) or Forbidden naming the missing permission."""
    reason = decide(actor, action, target)
    if reason is None:
        return
    if reason == "not-found":
        raise NotFound("no such object in this group")
    raise Forbidden(reason, extra={"permission": str(action)})


# Log entries about notifications carry a humanitarian organisation's sites and movements.
NEED_TO_KNOW_ENTRIES = ("site.", "movement.")


def log_entry_visible(actor: Actor, actor_org_slug: str, entry_type: str, data: bytes) -> bool:
    """May this member read this log entry's content? (Otherwise only its leaf hash is served,
    so the log still verifies for everyone.)"""
    if not entry_type.startswith(NEED_TO_KNOW_ENTRIES) or actor.kind in NOTIFICATION_READERS:
        return True
    import json

    author = json.loads(data).get("actor", {}).get("organisation")
    return bool(author == actor_org_slug)
