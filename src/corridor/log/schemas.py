"""API shapes of the log: entries and proofs, hashes in standard base64 (as in checkpoints)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from corridor.inputs import MAX_ID, In


class EntryOut(BaseModel):
    index: int
    data: str | None = Field(
        description="The entry: RFC 8785 canonical JSON; the leaf is its UTF-8. null when the "
        "caller may not read it (another humanitarian organisation's notification)")
    leaf_hash: str = Field(description="SHA-256(0x00 || data), base64")


class EntriesOut(BaseModel):
    tree_size: int
    entries: list[EntryOut]


class InclusionOut(BaseModel):
    index: int
    size: int
    leaf_hash: str
    root: str
    proof: list[str]


class ConsistencyOut(BaseModel):
    from_size: int = Field(serialization_alias="from")
    to_size: int = Field(serialization_alias="to")
    from_root: str
    to_root: str
    proof: list[str]


class CosignatureIn(In):
    size: int = Field(ge=1, le=MAX_ID, description="Size of the checkpoint being cosigned")
    cosignature: str = Field(max_length=400, description="The signed-note line '— name base64'")


class CosignatureOut(BaseModel):
    size: int
    witness: str
    timestamp: int


class EntryLocationOut(BaseModel):
    leaf_hash: str = Field(description="The leaf hash asked about, base64")
    index: int | None = Field(description="The entry's index; null while it waits to be "
                              "integrated (moments after its change committed)")
    integrated: bool
