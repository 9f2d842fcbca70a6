"""HTTP routes of the log: the public checkpoint, entries, proofs, witness cosignatures."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import PlainTextResponse

from corridor.deps import SessionDep
from corridor.errors import InvalidInput
from corridor.groups import service as groups
from corridor.groups.auth import CurrentGroup, CurrentPrincipal
from corridor.inputs import MAX_ID, StrictRoute
from corridor.log import checkpoints
from corridor.log import schemas as s
from corridor.transparency import cosign, reads

router = APIRouter(prefix="/groups/{group}/log", tags=["log"], route_class=StrictRoute)


def b64(h: bytes) -> str:
    return base64.b64encode(h).decode()


@router.get("/checkpoint", response_class=PlainTextResponse)
def get_checkpoint(group: str, db: SessionDep) -> PlainTextResponse:
    """The newest signed checkpoint with its cosignatures; public, so anyone can watch the log."""
    g = groups.get_group(db, slug=group)
    cp = checkpoints.current(db, group_id=g.id)
    return PlainTextResponse(checkpoints.with_cosignatures(db, cp),
                             media_type="text/plain; charset=utf-8")


@router.get("/entries", response_model=s.EntriesOut)
def get_entries(
    group: CurrentGroup,
    principal: CurrentPrincipal,
    db: SessionDep,
    start: Annotated[int, Query(ge=0, le=MAX_ID)] = 0,
    end: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> s.EntriesOut:
    """Entries from `start` (inclusive) to `end` (exclusive), at most 1000 a page."""
    size, rows = reads.entries(db, principal=principal, start=start, end=end)
    return s.EntriesOut(
        tree_size=size,
        entries=[s.EntryOut(index=e.index, data=e.data, leaf_hash=b64(e.leaf_hash))
                 for e in rows],
    )


@router.get("/entries/by-hash/{leaf_hash:path}", response_model=s.EntryLocationOut)
def get_entry_by_hash(
    group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep,
    leaf_hash: Annotated[str, Path(max_length=100)],
) -> s.EntryLocationOut:
    """Where the entry with this leaf hash (base64, standard or URL-safe) sits in the log: its
    index once integrated, null just after its change committed; 404 if the group has none."""
    wanted = decode_leaf_hash(leaf_hash)
    index = reads.locate(db, principal=principal, leaf_hash=wanted)
    return s.EntryLocationOut(leaf_hash=b64(wanted), index=index, integrated=index is not None)


def decode_leaf_hash(text: str) -> bytes:
    """A 32-byte hash from standard or URL-safe base64 (padding optional)."""
    cleaned = text.strip().replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)
    except ValueError as exc:
        raise InvalidInput("leaf_hash is not base64", field="leaf_hash") from exc
    if len(raw) != 32:
        raise InvalidInput(f"leaf_hash has {len(raw)} bytes; a SHA-256 hash has 32",
                           field="leaf_hash")
    return raw


@router.get("/proofs/inclusion", response_model=s.InclusionOut)
def get_inclusion(
    group: CurrentGroup,
    principal: CurrentPrincipal,
    db: SessionDep,
    size: Annotated[int, Query(ge=1, le=MAX_ID)],
    index: Annotated[int | None, Query(ge=0, le=MAX_ID)] = None,
    leaf_hash: Annotated[str | None, Query(max_length=100)] = None,
) -> s.InclusionOut:
    """Inclusion proof of one entry (by index or by base64 leaf hash) in the tree of `size`."""
    found = reads.inclusion(db, principal=principal, size=size, index=index,
                            leaf_hash=None if leaf_hash is None else decode_leaf_hash(leaf_hash))
    return s.InclusionOut(index=found.index, size=size, leaf_hash=b64(found.leaf_hash),
                          root=b64(found.root), proof=[b64(p) for p in found.proof])


@router.get("/proofs/consistency", response_model=s.ConsistencyOut)
def get_consistency(
    group: CurrentGroup,
    principal: CurrentPrincipal,
    db: SessionDep,
    from_size: Annotated[int, Query(alias="from", ge=1, le=MAX_ID)],
    to_size: Annotated[int, Query(alias="to", ge=1, le=MAX_ID)],
) -> s.ConsistencyOut:
    """Proof that the tree of size `from` is a prefix of the tree of size `to`."""
    from_root, to_root, proof = reads.consistency(db, principal=principal, old=from_size,
                                                  new=to_size)
    return s.ConsistencyOut(from_size=from_size, to_size=to_size, from_root=b64(from_root),
                            to_root=b64(to_root), proof=[b64(p) for p in proof])


@router.post("/cosignatures", response_model=s.CosignatureOut, status_code=201)
def post_cosignature(
    body: s.CosignatureIn, group: CurrentGroup, principal: CurrentPrincipal, db: SessionDep
) -> s.CosignatureOut:
    """A member's witness cosigns a checkpoint it verified (C2SP tlog-cosignature/v1)."""
    cosig = cosign.cosign_as_member(db, principal=principal, size=body.size,
                                    line=body.cosignature)
    return s.CosignatureOut(
        size=cosig.size,
        witness=cosign.witness_name(principal.organisation),
        timestamp=cosig.timestamp,
    )
