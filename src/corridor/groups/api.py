"""HTTP routes of groups, members, people, tokens and keys: parse, check policy, call a service."""

from __future__ import annotations

from fastapi import APIRouter, status

from corridor.deps import CurrentGroup, CurrentPrincipal, SessionDep
from corridor.groups import schemas
from corridor.groups import service as groups
from corridor.groups.models import ApiToken, Person, SigningKey
from corridor.inputs import PathId, StrictRoute
from corridor.policy import Action, Target, require
from corridor.uow import recorded

router = APIRouter(prefix="/groups", tags=["groups"], route_class=StrictRoute)


def person_out(person: Person) -> schemas.PersonOut:
    return schemas.PersonOut(
        username=person.username,
        display_name=person.display_name,
        role=person.role,
        organisation=person.organisation.slug,
        language=person.language,
        timezone=person.timezone,
        active=person.active,
    )


def token_out(token: ApiToken) -> schemas.TokenOut:
    return schemas.TokenOut(
        id=token.id,
        label=token.label,
        username=token.person.username,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
    )


def key_out(key: SigningKey) -> schemas.KeyOut:
    return schemas.KeyOut(
        id=key.id,
        organisation=key.organisation.slug,
        public_key=key.public_key,
        fingerprint=key.fingerprint,
        purpose=key.purpose,
        label=key.label,
        created_at=key.created_at,
        revoked_at=key.revoked_at,
    )


@router.get("", response_model=list[schemas.GroupOut])
def list_my_groups(principal: CurrentPrincipal) -> list[schemas.GroupOut]:
    """The groups the caller belongs to (a token belongs to one person in one group)."""
    return [schemas.GroupOut.model_validate(principal.group)]


@router.get("/{group}", response_model=schemas.GroupOut)
def get_group(group: CurrentGroup, principal: CurrentPrincipal) -> schemas.GroupOut:
    require(principal.actor, Action.GROUP_READ, Target(group_id=group.id))
    return schemas.GroupOut.model_validate(group)


@router.get("/{group}/members", response_model=list[schemas.MemberOut])
def list_members(
    group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep
) -> list[schemas.MemberOut]:
    require(principal.actor, Action.MEMBER_READ, Target(group_id=group.id))
    return [schemas.MemberOut.model_validate(o) for o in groups.list_organisations(db, group=group)]


@router.post("/{group}/members", response_model=schemas.MemberOut, status_code=201)
def add_member(
    body: schemas.MemberIn, group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep
) -> schemas.MemberOut:
    require(principal.actor, Action.MEMBER_ADD, Target(group_id=group.id))
    org = groups.add_organisation(
        db, group=group, actor=principal.log_actor(), **body.model_dump()
    )
    return recorded(db, schemas.MemberOut.model_validate(org))


@router.get("/{group}/members/{member}", response_model=schemas.MemberOut)
def get_member(
    member: str, group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep
) -> schemas.MemberOut:
    require(principal.actor, Action.MEMBER_READ, Target(group_id=group.id))
    return schemas.MemberOut.model_validate(groups.get_organisation(db, group=group, slug=member))


@router.get("/{group}/members/{member}/people", response_model=list[schemas.PersonOut])
def list_people(
    member: str, group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep
) -> list[schemas.PersonOut]:
    org = groups.get_organisation(db, group=group, slug=member)
    require(principal.actor, Action.PERSON_READ, Target(group_id=group.id, organisation_id=org.id))
    return [person_out(p) for p in groups.list_people(db, organisation=org)]


@router.post("/{group}/members/{member}/people", response_model=schemas.PersonOut, status_code=201)
def add_person(
    member: str,
    body: schemas.PersonIn,
    group: CurrentGroup,
    principal: CurrentPrincipal,
    db: SessionDep,
) -> schemas.PersonOut:
    org = groups.get_organisation(db, group=group, slug=member)
    require(principal.actor, Action.PERSON_ADD, Target(group_id=group.id, organisation_id=org.id))
    person = groups.add_person(
        db, organisation=org, actor=principal.log_actor(), **body.model_dump()
    )
    return recorded(db, person_out(person))


def _person_target(group_id: int, person: Person) -> Target:
    return Target(group_id=group_id, organisation_id=person.organisation_id, person_id=person.id)


@router.get("/{group}/people/{username}/tokens", response_model=list[schemas.TokenOut])
def list_tokens(
    username: str, group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep
) -> list[schemas.TokenOut]:
    person = groups.get_person(db, group=group, username=username)
    require(principal.actor, Action.TOKEN_ISSUE, _person_target(group.id, person))
    return [token_out(t) for t in groups.list_tokens(db, person=person)]


@router.post(
    "/{group}/people/{username}/tokens",
    response_model=schemas.TokenIssued,
    status_code=status.HTTP_201_CREATED,
)
def issue_token(
    username: str,
    body: schemas.TokenIn,
    group: CurrentGroup,
    principal: CurrentPrincipal,
    db: SessionDep,
) -> schemas.TokenIssued:
    """Issue a token; its secret is in this response only."""
    person = groups.get_person(db, group=group, username=username)
    require(principal.actor, Action.TOKEN_ISSUE, _person_target(group.id, person))
    token, secret = groups.issue_token(
        db, person=person, actor=principal.log_actor(), label=body.label
    )
    return recorded(db, schemas.TokenIssued(**token_out(token).model_dump(), token=secret))


@router.post("/{group}/tokens/{token_id}/revoke", response_model=schemas.TokenOut)
def revoke_token(
    token_id: PathId, group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep
) -> schemas.TokenOut:
    token = groups.get_token(db, group=group, token_id=token_id)
    require(principal.actor, Action.TOKEN_REVOKE, _person_target(group.id, token.person))
    token = groups.revoke_token(db, token=token, actor=principal.log_actor())
    return recorded(db, token_out(token))


@router.get("/{group}/keys", response_model=list[schemas.KeyOut])
def list_keys(
    group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep
) -> list[schemas.KeyOut]:
    require(principal.actor, Action.KEY_READ, Target(group_id=group.id))
    return [key_out(k) for k in groups.list_keys(db, group=group)]


@router.post("/{group}/members/{member}/keys", response_model=schemas.KeyOut, status_code=201)
def register_key(
    member: str,
    body: schemas.KeyIn,
    group: CurrentGroup,
    principal: CurrentPrincipal,
    db: SessionDep,
) -> schemas.KeyOut:
    """Register a public key of your organisation; never send a private key."""
    org = groups.get_organisation(db, group=group, slug=member)
    require(principal.actor, Action.KEY_REGISTER, Target(group_id=group.id, organisation_id=org.id))
    key = groups.register_key(
        db, organisation=org, actor=principal.log_actor(), **body.model_dump()
    )
    return recorded(db, key_out(key))


@router.post("/{group}/keys/{key_id}/revoke", response_model=schemas.KeyOut)
def revoke_key(
    key_id: PathId, group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep
) -> schemas.KeyOut:
    key = groups.get_key(db, group=group, key_id=key_id)
    require(
        principal.actor,
        Action.KEY_REVOKE,
        Target(group_id=group.id, organisation_id=key.organisation_id),
    )
    return recorded(db, key_out(groups.revoke_key(db, key=key, actor=principal.log_actor())))


me_router = APIRouter(tags=["groups"], route_class=StrictRoute)


@me_router.get("/me", response_model=schemas.MeOut)
def whoami(principal: CurrentPrincipal) -> schemas.MeOut:
    """Who the token belongs to: person, organisation, kind and group."""
    return schemas.MeOut(
        **person_out(principal.person).model_dump(),
        kind=principal.organisation.kind,
        group=principal.group.slug,
    )
