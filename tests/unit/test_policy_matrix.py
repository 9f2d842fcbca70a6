"""Walks every (role x kind x action x own/participant/other organisation x own/other group)
against the access rules of PRODUCT.md, written here independently of the policy module's table."""

from __future__ import annotations

import itertools

import pytest

from corridor.errors import Forbidden, NotFound
from corridor.policy import Action, Actor, Target, decide, require

KINDS = ["convener", "party", "intermediary", "humanitarian", "observer"]
ROLES = ["viewer", "operator", "negotiator", "admin"]

# action: (kinds that may, lowest role, only on their own organisation's objects)
SPEC: dict[str, tuple[str, str, bool]] = {
    "group.read": ("convener party intermediary humanitarian observer", "viewer", False),
    "group.update": ("convener", "admin", False),
    "member.read": ("convener party intermediary humanitarian observer", "viewer", False),
    "member.add": ("convener", "admin", False),
    "person.read": ("convener party intermediary humanitarian observer", "viewer", True),
    "person.add": ("convener party intermediary humanitarian observer", "admin", True),
    "token.issue": ("convener party intermediary humanitarian observer", "admin", True),
    "token.revoke": ("convener party intermediary humanitarian observer", "admin", True),
    "key.read": ("convener party intermediary humanitarian observer", "viewer", False),
    "key.register": ("convener party intermediary humanitarian observer", "admin", True),
    "key.revoke": ("convener party intermediary humanitarian observer", "admin", True),
    "log.read": ("convener party intermediary humanitarian observer", "viewer", False),
    "log.cosign": ("convener party intermediary humanitarian", "operator", False),
    "pause.read": ("convener party intermediary humanitarian observer", "viewer", False),
    "pause.propose": ("convener party intermediary humanitarian", "negotiator", False),
    "pause.amend": ("convener party intermediary humanitarian", "negotiator", False),
    "pause.consent": ("party", "negotiator", True),
    "notification.read": ("convener party intermediary humanitarian", "viewer", False),
    "notification.create": ("convener intermediary humanitarian", "operator", True),
    "notification.acknowledge": ("party", "operator", False),
    # The notifying organisation alone changes or withdraws its notice.
    "notification.amend": ("convener intermediary humanitarian", "operator", True),
    "notification.withdraw": ("convener intermediary humanitarian", "operator", True),
    # Every member that names places in pauses, movements or incidents may add one.
    "place.read": ("convener party intermediary humanitarian observer", "viewer", False),
    "place.add": ("convener party intermediary humanitarian", "operator", False),
    "operation.read": ("convener party intermediary humanitarian observer", "viewer", False),
    # The lead and the participants it or the convener added record counts, departures, cargo.
    "operation.count": ("intermediary humanitarian", "operator", True),
    # The lead adds and removes participants; so does the convener, for any operation.
    "operation.participants": ("convener intermediary humanitarian", "operator", True),
    "incident.read": ("convener party intermediary humanitarian observer", "viewer", False),
    "incident.report": ("convener party intermediary humanitarian", "operator", False),
    "incident.answer": ("party", "operator", False),
    "followup.close": ("convener", "negotiator", False),
    "plan.create": ("convener party intermediary humanitarian observer", "viewer", False),
}


# Actions whose "own organisation" also takes in the target's participants.
PARTICIPANTS_ACT = {"operation.count"}
# Kinds that may take an own-organisation action on any organisation's object.
ANY_ORG = {"operation.participants": "convener"}


def test_the_spec_covers_every_action() -> None:
    assert set(SPEC) == {a.value for a in Action}


def expected(kind: str, role: str, action: str, relation: str, own_group: bool) -> str:
    """'allow', 'forbid' or 'hide' (404) for one cell of the matrix. `relation` is the actor's
    organisation to the target: its owner (`own`), a participant in it, or neither."""
    if not own_group:
        return "hide"
    kinds, min_role, own_only = SPEC[action]
    own_org = relation == "own" or (relation == "participant" and action in PARTICIPANTS_ACT)
    if kind in ANY_ORG.get(action, "").split():
        own_org = True
    if action == "notification.read" and relation != "own" and kind not in (
            "convener", "party", "intermediary"):
        return "hide"
    if kind not in kinds.split():
        return "forbid"
    if ROLES.index(role) < ROLES.index(min_role):
        return "forbid"
    if own_only and not own_org:
        return "forbid"
    return "allow"


RELATIONS = ["own", "participant", "other"]


def _outcome(actor: Actor, action: Action, target: Target) -> str:
    """What `require` does with one cell: allow, forbid (403, naming the permission) or hide."""
    try:
        require(actor, action, target)
    except NotFound:
        return "hide"
    except Forbidden as refused:
        assert refused.extra["permission"] == action.value
        return "forbid"
    assert decide(actor, action, target) is None
    return "allow"


@pytest.mark.parametrize(("kind", "role"), list(itertools.product(KINDS, ROLES)))
def test_policy_matrix_for_one_role(kind: str, role: str) -> None:
    """Every action x own/participant/other organisation x own/other group for one kind of
    member and role (one test per role, so the count says how many roles were checked); every
    cell that differs from the table above is listed."""
    actor = Actor(group_id=1, organisation_id=10, kind=kind, role=role, person_id=100)
    wrong = []
    for action, relation, own_group in itertools.product(
            [a.value for a in Action], RELATIONS, [True, False]):
        target = Target(
            group_id=1 if own_group else 2,
            organisation_id=10 if relation == "own" else 11,
            owner_kind="humanitarian" if action.startswith("notification") else None,
            participants=frozenset({10, 12}) if relation == "participant" else frozenset({12}),
        )
        want = expected(kind, role, action, relation, own_group)
        got = _outcome(actor, Action(action), target)
        if got != want:
            group = "own group" if own_group else "other group"
            wrong.append(f"{action} on {relation} organisation's object, {group}: "
                         f"{got}, the table says {want}")
    assert not wrong, f"{kind} {role}:\n" + "\n".join(wrong)


def test_a_draft_of_another_organisation_does_not_exist_for_the_caller() -> None:
    actor = Actor(group_id=1, organisation_id=10, kind="party", role="admin", person_id=1)
    with pytest.raises(NotFound):
        require(actor, Action.PAUSE_READ, Target(group_id=1, organisation_id=11, is_draft=True))
    require(actor, Action.PAUSE_READ, Target(group_id=1, organisation_id=10, is_draft=True))


def test_a_viewer_may_manage_their_own_tokens_but_not_a_colleagues() -> None:
    actor = Actor(group_id=1, organisation_id=10, kind="party", role="viewer", person_id=5)
    require(actor, Action.TOKEN_ISSUE, Target(group_id=1, organisation_id=10, person_id=5))
    with pytest.raises(Forbidden, match="admin"):
        require(actor, Action.TOKEN_ISSUE, Target(group_id=1, organisation_id=10, person_id=6))


def test_refusing_a_recorder_says_who_may_record() -> None:
    actor = Actor(group_id=1, organisation_id=10, kind="humanitarian", role="operator")
    with pytest.raises(Forbidden, match="lead organisation and the participants"):
        require(actor, Action.OPERATION_COUNT,
                Target(group_id=1, organisation_id=11, participants=frozenset({12})))


def test_a_participant_may_record_but_not_add_participants() -> None:
    actor = Actor(group_id=1, organisation_id=10, kind="humanitarian", role="operator")
    operation = Target(group_id=1, organisation_id=11, participants=frozenset({10}))
    require(actor, Action.OPERATION_COUNT, operation)
    with pytest.raises(Forbidden):
        require(actor, Action.OPERATION_PARTICIPANTS, operation)
