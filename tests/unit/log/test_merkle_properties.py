"""Merkle proofs for random trees: stored-node, list and textbook RFC 6962 answers agree, verify,
and stop verifying when any single bit of what they cover changes."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.log import merkle
from corridor.log.merkle import compact as compact_module
from tests.unit.log.reference import MemoryTree

MAX_SIZE = 300


def _leaves(n: int, salt: int = 0) -> list[bytes]:
    return [merkle.leaf_hash(f"{salt}:{i}".encode()) for i in range(n)]


# --- RFC 6962 section 2.1, transcribed directly, as an oracle independent of the node maths -----


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _mth(d: Sequence[bytes]) -> bytes:
    if not d:
        return merkle.EMPTY_ROOT
    if len(d) == 1:
        return d[0]
    k = _k(len(d))
    return merkle.node_hash(_mth(d[:k]), _mth(d[k:]))


def _path(m: int, d: Sequence[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*_path(m, d[:k]), _mth(d[k:])]
    return [*_path(m - k, d[k:]), _mth(d[:k])]


def _subproof(m: int, d: Sequence[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [_mth(d)]
    k = _k(len(d))
    if m <= k:
        return [*_subproof(m, d[:k], b), _mth(d[k:])]
    return [*_subproof(m - k, d[k:], False), _mth(d[:k])]


def _directions(m: int, n: int) -> list[str]:
    """Which side each PATH(m, D[n]) hash joins on, bottom first: the verifier's recipe."""
    if n == 1:
        return []
    k = _k(n)
    return [*_directions(m, k), "R"] if m < k else [*_directions(m - k, n - k), "L"]


def _consistency_shape(m: int, n: int, b: bool = True) -> tuple[bool, list[str]]:
    """Whether PROOF(m, D[n]) omits the old root, and each sibling's side: the recipe."""
    if m == n:
        return b, []
    k = _k(n)
    if m <= k:
        whole, sides = _consistency_shape(m, k, b)
        return whole, [*sides, "R"]
    whole, sides = _consistency_shape(m - k, n - k, False)
    return whole, [*sides, "L"]


# --- Strategies ------------------------------------------------------------------------------


@st.composite
def size_and_index(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(st.integers(1, MAX_SIZE))
    return size, draw(st.integers(0, size - 1))


@st.composite
def two_sizes(draw: st.DrawFn) -> tuple[int, int]:
    new = draw(st.integers(1, MAX_SIZE))
    return draw(st.integers(1, new)), new


def _flip(data: bytes, bit: int) -> bytes:
    flipped = bytearray(data)
    flipped[bit // 8 % len(data)] ^= 1 << (bit % 8)
    return bytes(flipped)


# --- Inclusion -------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(size_and_index())
def test_stored_node_list_and_textbook_inclusion_proofs_agree_and_verify(
    case: tuple[int, int],
) -> None:
    size, index = case
    leaves = _leaves(size)
    tree = MemoryTree(leaves)
    proof = tree.inclusion_proof(index)
    assert proof == merkle.inclusion_proof(leaves, index, size) == _path(index, leaves)
    assert tree.root() == merkle.root(leaves) == _mth(leaves)
    merkle.verify_inclusion(leaves[index], index, size, proof, tree.root())


@settings(max_examples=150, deadline=None)
@given(size_and_index(), st.integers(0, 255), st.data())
def test_any_single_bit_flip_in_an_inclusion_proof_root_leaf_or_index_makes_it_fail(
    case: tuple[int, int], bit: int, data: st.DataObject
) -> None:
    size, index = case
    leaves = _leaves(size)
    tree = MemoryTree(leaves)
    proof, root = tree.inclusion_proof(index), tree.root()
    target = data.draw(st.sampled_from(["proof", "root", "leaf", "index"]))
    args: list[object] = [leaves[index], index, size, proof, root]
    if target == "proof":
        if not proof:
            return  # a one-leaf tree's proof has no bits to flip
        at = data.draw(st.integers(0, len(proof) - 1))
        args[3] = [_flip(h, bit) if i == at else h for i, h in enumerate(proof)]
    elif target == "root":
        args[4] = _flip(root, bit)
    elif target == "leaf":
        args[0] = _flip(leaves[index], bit)
    else:
        args[1] = index ^ (1 << (bit % 64))  # a leaf's path from the root is unique to it
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(*args)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(size_and_index(), st.integers(0, 63))
def test_a_flipped_tree_size_fails_unless_that_tree_shares_the_leaf_s_path_shape(
    case: tuple[int, int], bit: int
) -> None:
    # Hashes do not commit to the size: index 0 of 5 and of 7 hash their paths alike. So a
    # verifier must take the size from the same signed checkpoint as the root.
    size, index = case
    tree = MemoryTree(_leaves(size))
    other = size ^ (1 << bit)
    same_shape = index < other and _directions(index, other) == _directions(index, size)
    args = (tree.nodes[(0, index)], index, other, tree.inclusion_proof(index), tree.root())
    if same_shape:
        merkle.verify_inclusion(*args)
    else:
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(*args)


def test_a_leaf_hash_that_is_not_32_bytes_is_refused() -> None:
    leaves = _leaves(4)
    proof = merkle.inclusion_proof(leaves, 1, 4)
    with pytest.raises(merkle.ProofError, match="32"):
        merkle.verify_inclusion(leaves[1][:31], 1, 4, proof, merkle.root(leaves))
    with pytest.raises(merkle.ProofError, match="32"):
        merkle.verify_inclusion(b"", 0, 1, [], b"")


# --- Consistency -----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(two_sizes())
def test_stored_node_list_and_textbook_consistency_proofs_agree_and_verify(
    case: tuple[int, int],
) -> None:
    old, new = case
    leaves = _leaves(new)
    tree = MemoryTree(leaves)
    proof = tree.consistency_proof(old, new)
    assert proof == merkle.consistency_proof(leaves, old, new) == _subproof(old, leaves, True)
    merkle.verify_consistency(old, new, tree.root(old), tree.root(new), proof)


@settings(max_examples=150, deadline=None)
@given(two_sizes(), st.integers(0, 255), st.data())
def test_any_single_bit_flip_in_a_consistency_proof_or_root_makes_it_fail(
    case: tuple[int, int], bit: int, data: st.DataObject
) -> None:
    old, new = case
    tree = MemoryTree(_leaves(new))
    proof = tree.consistency_proof(old, new)
    args: list[object] = [old, new, tree.root(old), tree.root(new), proof]
    target = data.draw(st.sampled_from(["proof", "old_root", "new_root"]))
    if target == "proof":
        if not proof:
            return  # equal sizes: nothing to flip in an empty proof
        at = data.draw(st.integers(0, len(proof) - 1))
        args[4] = [_flip(h, bit) if i == at else h for i, h in enumerate(proof)]
    elif target == "old_root":
        args[2] = _flip(tree.root(old), bit)
    else:
        args[3] = _flip(tree.root(new), bit)
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(*args)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(two_sizes(), st.integers(0, 63), st.booleans())
def test_a_flipped_size_fails_a_consistency_check_unless_the_proof_shape_is_the_same(
    case: tuple[int, int], bit: int, flip_old: bool
) -> None:
    old, new = case
    tree = MemoryTree(_leaves(new))
    proof = tree.consistency_proof(old, new)
    o, n = (old ^ (1 << bit), new) if flip_old else (old, new ^ (1 << bit))
    same_shape = 0 < o < n and _consistency_shape(o, n) == _consistency_shape(old, new)
    args = (o, n, tree.root(old), tree.root(new), proof)
    if same_shape:
        merkle.verify_consistency(*args)
    else:
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(*args)


def test_consistency_from_the_empty_tree_is_an_error() -> None:
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(0, 0, merkle.EMPTY_ROOT, merkle.EMPTY_ROOT, [])
    with pytest.raises(ValueError):
        merkle.consistency_proof(_leaves(3), 0, 3)


def test_equal_sizes_need_an_empty_proof_and_equal_roots() -> None:
    tree = MemoryTree(_leaves(5))
    merkle.verify_consistency(5, 5, tree.root(), tree.root(), [])
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(5, 5, tree.root(), tree.root(), [tree.root()])
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(5, 5, tree.root(), tree.root(4), [])


def test_a_shorter_tree_is_never_consistent_with_a_larger_one_in_reverse() -> None:
    tree = MemoryTree(_leaves(6))
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(6, 4, tree.root(6), tree.root(4), tree.consistency_proof(4, 6))


# --- What the store must hold ----------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(size_and_index(), two_sizes())
def test_proofs_need_only_a_logarithmic_number_of_existing_perfect_nodes(
    inclusion: tuple[int, int], consistency: tuple[int, int]
) -> None:
    size, index = inclusion
    old, new = consistency
    for keys, tree_size in [
        (merkle.nodes_for_root(size), size),
        (merkle.nodes_for_inclusion(index, size), size),
        (merkle.nodes_for_consistency(old, new), new),
    ]:
        assert len(keys) == len(set(keys)) <= 2 * tree_size.bit_length()
        for level, i in keys:
            assert (i + 1) << level <= tree_size  # the node is complete at this size


@settings(max_examples=100, deadline=None)
@given(st.integers(0, MAX_SIZE))
def test_appending_needs_only_the_left_siblings_and_creates_the_completed_parents(
    size: int,
) -> None:
    tree = MemoryTree(_leaves(size))
    new_leaf = merkle.leaf_hash(b"next")
    only_siblings = {key: tree.nodes[key] for key in merkle.nodes_for_append(size)}
    created = merkle.new_nodes_on_append(only_siblings, size, new_leaf)
    tree.append(new_leaf)
    assert created[0] == (0, size, new_leaf)
    assert {(level, i): h for level, i, h in created}.items() <= tree.nodes.items()
    assert len(created) == len(merkle.nodes_for_append(size)) + 1
    assert len(tree.nodes) == 2 * tree.size - tree.size.bit_count()  # every perfect node, once


@settings(max_examples=50, deadline=None)
@given(st.integers(0, MAX_SIZE), st.integers(0, MAX_SIZE))
def test_a_compact_range_resumed_from_its_right_edge_keeps_the_same_roots(
    first: int, more: int
) -> None:
    leaves = _leaves(first + more)
    compact = merkle.CompactRange()
    for h in leaves[:first]:
        compact.append(h)
    assert compact.root() == _mth(leaves[:first])
    resumed = merkle.CompactRange.from_right_edge(compact.size, compact.right_edge())
    for h in leaves[first:]:
        resumed.append(h)
    assert resumed.root() == MemoryTree(leaves).root() == _mth(leaves)


def test_a_right_edge_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError):
        merkle.CompactRange.from_right_edge(3, [merkle.EMPTY_ROOT])


def test_the_compact_range_hashes_once_per_leaf_amortised_and_log_n_at_worst(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The work, not the time: a tree that recomputed its edge would hash O(n) per leaf."""
    calls, real = 0, merkle.node_hash

    def counted(left: bytes, right: bytes) -> bytes:
        nonlocal calls
        calls += 1
        return real(left, right)

    monkeypatch.setattr(compact_module, "node_hash", counted)  # the name the range calls
    n = 100_000
    compact, worst = merkle.CompactRange(), 0
    for h in _leaves(n):
        before = calls
        compact.append(h)
        worst = max(worst, calls - before)
    assert calls == n - n.bit_count()  # one merge per carry: fewer hashes than leaves
    assert worst == n.bit_length() - 1  # one append merges at most log2(n) subtrees
    calls = 0
    compact.root()
    assert calls == n.bit_count() - 1
