"""Building roots and proofs from O(log n) stored perfect subtrees. The list-based functions
compute those same nodes from the leaves, so there is one proof algorithm, whichever way the
hashes are held."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from corridor.log.merkle.hashing import (
    EMPTY_ROOT,
    NodeKey,
    Range,
    check_hash,
    node_hash,
)

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
    check_hash(leaf_hash, "leaf hash")
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
