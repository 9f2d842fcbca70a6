"""HTTP routes of groups, members, people, tokens and keys: parse, call a use case of
`members` (which checks the caller's permission), answer."""

from __future__ import annotations

from fastapi import APIRouter, status

from corridor.deps import SessionDep
from corridor.groups import members, schemas
from corridor.groups.auth import CurrentGroup, CurrentPrincipal
from corridor.groups.models import ApiToken, Person, SigningKey
from corridor.inputs import PathId, StrictRoute
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
    return schemas.GroupOut.model_validate(members.read_group(principal))


@router.get("/{group}/members", response_model=list[schemas.MemberOut])
def list_members(
    group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep
) -> list[schemas.MemberOut]:
    return [schemas.MemberOut.model_validate(o)
            for o in members.list_members(db, principal=principal)]


@router.post("/{group}/members", response_model=schemas.MemberOut, status_code=201)
def add_member(
    body: schemas.MemberIn, group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep
) -> schemas.MemberOut:
    org = members.add_member(db, principal=principal, fields=body.model_dump())
    return recorded(db, schemas.MemberOut.model_validate(org))


@router.get("/{group}/members/{member}", response_model=schemas.MemberOut)
def get_member(
    member: str, group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep
) -> schemas.MemberOut:
    return schemas.MemberOut.model_validate(
        members.get_member(db, principal=principal, slug=member))


@router.get("/{group}/members/{member}/people", response_model=list[schemas.PersonOut])
def list_people(
    member: str, group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep
) -> list[schemas.PersonOut]:
    return [person_out(p) for p in members.list_people(db, principal=principal, member=member)]


@router.post("/{group}/members/{member}/people", response_model=schemas.PersonOut, status_code=201)
def add_person(
    member: str,
    body: schemas.PersonIn,
    group: CurrentGroup,
    principal: CurrentPrincipal,
    db: SessionDep,
) -> schemas.PersonOut:
    person = members.add_person(db, principal=principal, member=member,
                                fields=body.model_dump())
    return recorded(db, person_out(person))


@router.get("/{group}/people/{username}/tokens", response_model=list[schemas.TokenOut])
def list_tokens(
    username: str, group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep
) -> list[schemas.TokenOut]:
    return [token_out(t) for t in members.list_tokens(db, principal=principal, username=username)]


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
    token, secret = members.issue_token(db, principal=principal, username=username,
                                        label=body.label)
    return recorded(db, schemas.TokenIssued(**token_out(token).model_dump(), token=secret))


@router.post("/{group}/tokens/{token_id}/revoke", response_model=schemas.TokenOut)
def revoke_token(
    token_id: PathId, group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep
) -> schemas.TokenOut:
    token = members.revoke_token(db, principal=principal, token_id=token_id)
    return recorded(db, token_out(token))


@router.get("/{group}/keys", response_model=list[schemas.KeyOut])
def list_keys(
    group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep
) -> list[schemas.KeyOut]:
    return [key_out(k) for k in members.list_keys(db, principal=principal)]


@router.post("/{group}/members/{member}/keys", response_model=schemas.KeyOut, status_code=201)
def register_key(
    member: str,
    body: schemas.KeyIn,
    group: CurrentGroup,
    principal: CurrentPrincipal,
    db: SessionDep,
) -> schemas.KeyOut:
    """Register a public key of your organisation; never send a private key."""
    key = members.register_key(db, principal=principal, member=member,
                               fields=body.model_dump())
    return recorded(db, key_out(key))


@router.post("/{group}/keys/{key_id}/revoke", response_model=schemas.KeyOut)
def revoke_key(
    key_id: PathId, group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep
) -> schemas.KeyOut:
    return recorded(db, key_out(members.revoke_key(db, principal=principal, key_id=key_id)))


me_router = APIRouter(tags=["groups"], route_class=StrictRoute)


@me_router.get("/me", response_model=schemas.MeOut)
def whoami(principal: CurrentPrincipal) -> schemas.MeOut:
    """Who the token belongs to: person, organisation, kind and group."""
    return schemas.MeOut(
        **person_out(principal.person).model_dump(),
        kind=principal.organisation.kind,
        group=principal.group.slug,
    )
