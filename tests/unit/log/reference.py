"""Reference code the log's tests check the server against: a tree that keeps every node in a
dict (as the database does), a checkpoint opener that insists on the log's own signature, and a
whole-mirror verifier of tiles. Kept here because nothing in Corridor itself needs them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from corridor.log.audit import Redacted
from corridor.log.merkle import (
    NodeKey,
    consistency_proof_from_nodes,
    inclusion_proof_from_nodes,
    new_nodes_on_append,
    root,
    root_from_nodes,
)
from corridor.log.note import (
    Checkpoint,
    NoteError,
    OpenedNote,
    Verifier,
    open_note,
    parse_checkpoint,
)
from corridor.log.tiles import TileError, decode_entry, leaf_hash_of, read_entries, root_from_tiles


class MemoryTree:
    """Every perfect node of a tree in a dict, as the database keeps them: proofs at any size."""

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self.size = 0
        self.nodes: dict[NodeKey, bytes] = {}
        for h in leaf_hashes:
            self.append(h)

    def append(self, leaf_hash: bytes) -> None:
        for level, index, h in new_nodes_on_append(self.nodes, self.size, leaf_hash):
            self.nodes[(level, index)] = h
        self.size += 1

    def root(self, size: int | None = None) -> bytes:
        return root_from_nodes(self.nodes, self.size if size is None else self._at_most(size))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        size = self.size if size is None else self._at_most(size)
        return inclusion_proof_from_nodes(self.nodes, index, size)

    def consistency_proof(self, old: int, new: int | None = None) -> list[bytes]:
        new = self.size if new is None else self._at_most(new)
        return consistency_proof_from_nodes(self.nodes, old, new)

    def _at_most(self, size: int) -> int:
        if not 0 <= size <= self.size:
            raise ValueError(f"size {size} is outside 0..{self.size}")
        return size


def open_checkpoint(
    note: str, log: Verifier, cosigners: Sequence[Verifier] = (), *, origin: str | None = None
) -> tuple[Checkpoint, OpenedNote]:
    """Open a checkpoint that the log itself must have signed, with origin `origin` (by default
    the log key's name, as C2SP recommends); cosigners' lines are checked when present."""
    opened = open_note(note, [log, *cosigners])
    if not any((s.name, s.key_id) == (log.name, log.key_id) for s in opened.verified):
        raise NoteError(f"the checkpoint is not signed by the log key {log.name}")
    checkpoint = parse_checkpoint(opened.text)
    want = log.name if origin is None else origin
    if checkpoint.origin != want:
        raise NoteError(f"checkpoint origin {checkpoint.origin!r} is not {want!r}")
    return checkpoint, opened


def verify_tiles(source_dir: Path, checkpoint: Checkpoint) -> list[bytes | Redacted]:
    """The entries of a (signature-checked) checkpoint, withheld ones as their leaf hash, once
    the root recomputed from the entries and the one recomputed from the hash tiles both equal
    its root hash; TileError otherwise."""
    entries = [decode_entry(e) for e in read_entries(source_dir, checkpoint.size)]
    if root([leaf_hash_of(e) for e in entries]) != checkpoint.root_hash:
        raise TileError(f"the entries do not hash to the root of checkpoint {checkpoint.size}")
    if root_from_tiles(source_dir, checkpoint.size) != checkpoint.root_hash:
        raise TileError(f"the hash tiles do not give the root of checkpoint {checkpoint.size}")
    return entries
