"""Groups, members, people, tokens and keys as a member asks for them: each use case checks the
caller's permission, then calls `service`.

`service` itself takes a log actor and checks nothing, because the operator's own commands
(`corridor groups create`, the demo, bootstrapping the first admin) act for no member; every
request of a member goes through here, so the rule is checked in one layer for API and pages.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from corridor.groups import service
from corridor.groups.models import ApiToken, Group, Organisation, Person, SigningKey
from corridor.groups.principal import Principal
from corridor.policy import Action, Target, require


def _group(principal: Principal) -> Target:
    return Target(group_id=principal.group.id)


def _organisation(principal: Principal, org: Organisation) -> Target:
    return Target(group_id=principal.group.id, organisation_id=org.id)


def _person(principal: Principal, person: Person) -> Target:
    return Target(group_id=principal.group.id, organisation_id=person.organisation_id,
                  person_id=person.id)


def read_group(principal: Principal) -> Group:
    require(principal.actor, Action.GROUP_READ, _group(principal))
    return principal.group


def list_members(db: Session, *, principal: Principal) -> list[Organisation]:
    require(principal.actor, Action.MEMBER_READ, _group(principal))
    return service.list_organisations(db, group=principal.group)


def get_member(db: Session, *, principal: Principal, slug: str) -> Organisation:
    require(principal.actor, Action.MEMBER_READ, _group(principal))
    return service.get_organisation(db, group=principal.group, slug=slug)


def add_member(db: Session, *, principal: Principal, fields: dict[str, Any]) -> Organisation:
    require(principal.actor, Action.MEMBER_ADD, _group(principal))
    return service.add_organisation(db, group=principal.group, actor=principal.log_actor(),
                                    **fields)


def list_people(db: Session, *, principal: Principal, member: str) -> list[Person]:
    org = service.get_organisation(db, group=principal.group, slug=member)
    require(principal.actor, Action.PERSON_READ, _organisation(principal, org))
    return service.list_people(db, organisation=org)


def add_person(db: Session, *, principal: Principal, member: str,
               fields: dict[str, Any]) -> Person:
    org = service.get_organisation(db, group=principal.group, slug=member)
    require(principal.actor, Action.PERSON_ADD, _organisation(principal, org))
    return service.add_person(db, organisation=org, actor=principal.log_actor(), **fields)


def list_tokens(db: Session, *, principal: Principal, username: str) -> list[ApiToken]:
    person = service.get_person(db, group=principal.group, username=username)
    require(principal.actor, Action.TOKEN_ISSUE, _person(principal, person))
    return service.list_tokens(db, person=person)


def issue_token(db: Session, *, principal: Principal, username: str,
                label: str) -> tuple[ApiToken, str]:
    person = service.get_person(db, group=principal.group, username=username)
    require(principal.actor, Action.TOKEN_ISSUE, _person(principal, person))
    return service.issue_token(db, person=person, actor=principal.log_actor(), label=label)


def revoke_token(db: Session, *, principal: Principal, token_id: int) -> ApiToken:
    token = service.get_token(db, group=principal.group, token_id=token_id)
    require(principal.actor, Action.TOKEN_REVOKE, _person(principal, token.person))
    return service.revoke_token(db, token=token, actor=principal.log_actor())


def list_keys(db: Session, *, principal: Principal) -> list[SigningKey]:
    require(principal.actor, Action.KEY_READ, _group(principal))
    return service.list_keys(db, group=principal.group)


def register_key(db: Session, *, principal: Principal, member: str,
                 fields: dict[str, Any]) -> SigningKey:
    org = service.get_organisation(db, group=principal.group, slug=member)
    require(principal.actor, Action.KEY_REGISTER, _organisation(principal, org))
    return service.register_key(db, organisation=org, actor=principal.log_actor(), **fields)


def revoke_key(db: Session, *, principal: Principal, key_id: int) -> SigningKey:
    key = service.get_key(db, group=principal.group, key_id=key_id)
    require(principal.actor, Action.KEY_REVOKE,
            Target(group_id=principal.group.id, organisation_id=key.organisation_id))
    return service.revoke_key(db, key=key, actor=principal.log_actor())
