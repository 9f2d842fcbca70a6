"""RFC 6962/9162 Merkle trees: proofs built from stored perfect subtrees, and their verifiers.

A store keeps only the hashes of *perfect, aligned* subtrees, keyed `(level, index)` and covering
leaves `[index << level, (index + 1) << level)`; level 0 holds the leaf hashes. Every root and
proof is assembled from O(log n) of them. The list-based functions compute those same nodes from
the leaves, so there is one proof algorithm, whichever way the hashes are held.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from hashlib import sha256

HASH_SIZE = 32
NodeKey = tuple[int, int]
Range = tuple[int, int]

EMPTY_ROOT = sha256(b"").digest()


class ProofError(Exception):
    """A proof that does not prove what it claims (or arguments no proof could satisfy)."""


def leaf_hash(data: bytes) -> bytes:
    return sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right).digest()


# --- Which subtrees a proof is made of --------------------------------------------------------


def _split(n: int) -> int:
    """The largest power of two strictly below n (n >= 2): RFC 6962's k."""
    return 1 << ((n - 1).bit_length() - 1)


def _cover(start: int, end: int) -> list[NodeKey]:
    """The perfect subtrees that make up MTH(D[start:end]), largest (leftmost) first.

    Only ranges that occur in the RFC recursion are asked for: `start` is a multiple of a power
    of two at least `end - start`, so the binary decomposition of the width is aligned.
    """
    keys: list[NodeKey] = []
    width = end - start
    for level in range(width.bit_length() - 1, -1, -1):
        if width >> level & 1:
            keys.append((level, start >> level))
            start += 1 << level
    return keys


def _inclusion_ranges(index: int, size: int) -> list[Range]:
    """The ranges whose hashes form PATH(index, D[0:size]), bottom first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    ranges: list[Range] = []
    start, end = 0, size
    while end - start > 1:
        mid = start + _split(end - start)
        if index < mid:
            ranges.append((mid, end))
            end = mid
        else:
            ranges.append((start, mid))
            start = mid
    ranges.reverse()
    return ranges


def _consistency_ranges(old: int, new: int) -> list[Range]:
    """The ranges whose hashes form PROOF(old, D[0:new]) (RFC 6962 SUBPROOF), bottom first."""
    if not 0 < old <= new:
        raise ValueError(f"no consistency proof from size {old} to size {new}")
    siblings: list[Range] = []
    start, end, m, whole_old_tree = 0, new, old, True
    while m < end - start:
        k = _split(end - start)
        if m <= k:
            siblings.append((start + k, end))
            end = start + k
        else:
            siblings.append((start, start + k))
            start, m, whole_old_tree = start + k, m - k, False
    siblings.reverse()
    # When the old tree is itself a subtree here, the verifier already holds its hash (old root).
    return siblings if whole_old_tree else [(start, end), *siblings]


def _keys(ranges: Iterable[Range]) -> list[NodeKey]:
    return list(dict.fromkeys(key for r in ranges for key in _cover(*r)))


def nodes_for_root(size: int) -> list[NodeKey]:
    return _cover(0, size)


def nodes_for_inclusion(index: int, size: int) -> list[NodeKey]:
    return _keys(_inclusion_ranges(index, size))


def nodes_for_consistency(old: int, new: int) -> list[NodeKey]:
    return _keys(_consistency_ranges(old, new))


def nodes_for_append(size: int) -> list[NodeKey]:
    """The left siblings that appending leaf number `size` completes into new parents."""
    keys: list[NodeKey] = []
    level = 0
    while size >> level & 1:
        keys.append((level, (size >> level) - 1))
        level += 1
    return keys


# --- Assembling hashes from nodes -------------------------------------------------------------


def _range_hash(nodes: Mapping[NodeKey, bytes], r: Range) -> bytes:
    keys = _cover(*r)
    h = nodes[keys[-1]]
    for key in reversed(keys[:-1]):
        h = node_hash(nodes[key], h)
    return h


def root_from_nodes(nodes: Mapping[NodeKey, bytes], size: int) -> bytes:
    return _range_hash(nodes, (0, size)) if size > 0 else EMPTY_ROOT


def inclusion_proof_from_nodes(
    nodes: Mapping[NodeKey, bytes], index: int, size: int
) -> list[bytes]:
    return [_range_hash(nodes, r) for r in _inclusion_ranges(index, size)]


def consistency_proof_from_nodes(nodes: Mapping[NodeKey, bytes], old: int, new: int) -> list[bytes]:
    return [_range_hash(nodes, r) for r in _consistency_ranges(old, new)]


def new_nodes_on_append(
    nodes: Mapping[NodeKey, bytes], size: int, leaf_hash: bytes
) -> list[tuple[int, int, bytes]]:
    """Every perfect node that appending leaf number `size` creates: the leaf, then its parents."""
    _check_hash(leaf_hash, "leaf hash")
    created = [(0, size, leaf_hash)]
    h, level, index = leaf_hash, 0, size
    while index & 1:
        h = node_hash(nodes[(level, index - 1)], h)
        level, index = level + 1, index >> 1
        created.append((level, index, h))
    return created


# --- The same, from a list of leaf hashes -----------------------------------------------------


def _nodes_from_leaves(
    leaf_hashes: Sequence[bytes], keys: Iterable[NodeKey]
) -> dict[NodeKey, bytes]:
    nodes: dict[NodeKey, bytes] = {}
    for level, index in keys:
        row = list(leaf_hashes[index << level : (index + 1) << level])
        while len(row) > 1:
            row = [node_hash(row[i], row[i + 1]) for i in range(0, len(row), 2)]
        nodes[(level, index)] = row[0]
    return nodes


def _check_size(leaf_hashes: Sequence[bytes], size: int) -> None:
    if size > len(leaf_hashes):
        raise ValueError(f"size {size} exceeds the {len(leaf_hashes)} leaf hashes given")


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    size = len(leaf_hashes)
    return root_from_nodes(_nodes_from_leaves(leaf_hashes, nodes_for_root(size)), size)


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int, size: int) -> list[bytes]:
    _check_size(leaf_hashes, size)
    nodes = _nodes_from_leaves(leaf_hashes, nodes_for_inclusion(index, size))
    return inclusion_proof_from_nodes(nodes, index, size)


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int, new_size: int) -> list[bytes]:
    _check_size(leaf_hashes, new_size)
    nodes = _nodes_from_leaves(leaf_hashes, nodes_for_consistency(old_size, new_size))
    return consistency_proof_from_nodes(nodes, old_size, new_size)


# --- Verifiers (RFC 9162 2.1.3.2 and 2.1.4.2) -------------------------------------------------


def _check_hash(h: bytes, what: str) -> None:
    if len(h) != HASH_SIZE:
        raise ProofError(f"{what} is {len(h)} bytes, not {HASH_SIZE}")


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Raise ProofError unless `proof` shows leaf `index` with `leaf_hash` in the tree `root`."""
    _check_hash(leaf_hash, "leaf hash")
    _check_hash(root, "root")
    for i, p in enumerate(proof):
        _check_hash(p, f"proof hash {i}")
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            raise ProofError("inclusion proof is longer than the tree is high")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("inclusion proof is shorter than the tree is high")
    if r != root:
        raise ProofError("inclusion proof leads to a different root")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Raise ProofError unless `proof` shows the tree `old_root` is a prefix of `new_root`."""
    if not 0 <= old_size <= new_size:
        raise ProofError(f"no consistency from size {old_size} to size {new_size}")
    # A proof from the empty tree proves nothing; the conformance probes require refusing it.
    if old_size == 0:
        raise ProofError("a consistency check from the empty tree is meaningless")
    if old_size == new_size:
        if proof:
            raise ProofError("equal sizes need an empty consistency proof")
        if old_root != new_root:
            raise ProofError("equal sizes but different roots")
        return
    _check_hash(old_root, "old root")
    _check_hash(new_root, "new root")
    for i, p in enumerate(proof):
        _check_hash(p, f"proof hash {i}")
    if not proof:
        raise ProofError("empty consistency proof for different sizes")
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is the first subtree
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("consistency proof is too short")
    if fr != old_root:
        raise ProofError("consistency proof does not lead to the old root")
    if sr != new_root:
        raise ProofError("consistency proof does not lead to the new root")


# --- In-memory trees --------------------------------------------------------------------------


class CompactRange:
    """The right edge of a growing tree (one perfect subtree root per set bit of the size).

    O(log n) memory and amortised O(1) hashes per leaf: what an auditor needs to recompute the
    root while streaming every entry.
    """

    def __init__(self) -> None:
        self.size = 0
        self._edge: list[bytes] = []  # largest (leftmost) subtree first

    @classmethod
    def from_right_edge(cls, size: int, edge: Sequence[bytes]) -> CompactRange:
        """Resume from a saved `right_edge()`: one hash per set bit of `size`, largest first."""
        if size < 0 or len(edge) != size.bit_count():
            raise ValueError(f"a tree of size {size} has {max(size, 0).bit_count()} edge hashes")
        for h in edge:
            _check_hash(h, "edge hash")
        tree = cls()
        tree.size, tree._edge = size, list(edge)
        return tree

    def right_edge(self) -> list[bytes]:
        return list(self._edge)

    def append(self, leaf_hash: bytes) -> None:
        _check_hash(leaf_hash, "leaf hash")
        h, size = leaf_hash, self.size
        while size & 1:
            h = node_hash(self._edge.pop(), h)
            size >>= 1
        self._edge.append(h)
        self.size += 1

    def root(self) -> bytes:
        if not self._edge:
            return EMPTY_ROOT
        h = self._edge[-1]
        for left in reversed(self._edge[:-1]):
            h = node_hash(left, h)
        return h


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
