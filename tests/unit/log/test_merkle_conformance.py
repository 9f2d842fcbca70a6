"""The Merkle tree against the shared corpus: every transparency-dev probe and RFC 6962 vector."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from corridor.log import merkle
from tests.unit.log import conformance
from tests.unit.log.conformance import b64
from tests.unit.log.reference import MemoryTree

INCLUSION_PROBES = conformance.files("merkle/inclusion", "**/*")
CONSISTENCY_PROBES = conformance.files("merkle/consistency", "**/*")
VECTORS: dict[str, Any] = conformance.load("merkle", "rfc6962_vectors.json")


def _eight_leaves() -> list[bytes]:
    return [merkle.leaf_hash(bytes.fromhex(x)) for x in VECTORS["leaf_inputs_hex"]]


def _probe_id(p: Path) -> str:
    return str(p.relative_to(conformance.ROOT / "merkle"))


def _proof(probe: dict[str, Any]) -> list[bytes]:
    return [b64(h) for h in probe["proof"] or []]


@pytest.mark.parametrize("probe_file", INCLUSION_PROBES, ids=_probe_id)
def test_every_inclusion_probe_agrees_with_want_err(probe_file: Path) -> None:
    probe = conformance.load(str(probe_file))
    try:
        merkle.verify_inclusion(
            b64(probe["leafHash"]),
            probe["leafIdx"],
            probe["treeSize"],
            _proof(probe),
            b64(probe["root"]),
        )
    except merkle.ProofError:
        assert probe["wantErr"], f"{probe['desc']} should verify"
    else:
        assert not probe["wantErr"], f"{probe['desc']} should be refused"


@pytest.mark.parametrize("probe_file", CONSISTENCY_PROBES, ids=_probe_id)
def test_every_consistency_probe_agrees_with_want_err(probe_file: Path) -> None:
    probe = conformance.load(str(probe_file))
    try:
        merkle.verify_consistency(
            probe["size1"], probe["size2"], b64(probe["root1"]), b64(probe["root2"]), _proof(probe)
        )
    except merkle.ProofError:
        assert probe["wantErr"], f"{probe['desc']} should verify"
    else:
        assert not probe["wantErr"], f"{probe['desc']} should be refused"


HAPPY_PATHS = conformance.files("merkle", "*/[0-9]/happy-path.json")


@pytest.mark.parametrize("probe_file", HAPPY_PATHS, ids=_probe_id)
def test_every_happy_path_proof_is_the_one_we_build_from_the_eight_leaf_tree(
    probe_file: Path,
) -> None:
    leaves = _eight_leaves()
    probe = conformance.load(str(probe_file))
    if "leafIdx" in probe:
        index, size = probe["leafIdx"], probe["treeSize"]
        assert leaves[index] == b64(probe["leafHash"])
        assert merkle.root(leaves[:size]) == b64(probe["root"])
        assert merkle.inclusion_proof(leaves, index, size) == _proof(probe)
    else:
        old, new = probe["size1"], probe["size2"]
        assert merkle.root(leaves[:old]) == b64(probe["root1"])
        assert merkle.root(leaves[:new]) == b64(probe["root2"])
        assert merkle.consistency_proof(leaves, old, new) == _proof(probe)


def test_the_hasher_matches_rfc6962() -> None:
    empty, empty_leaf, leaf, node = VECTORS["hasher_vectors"]
    assert merkle.EMPTY_ROOT.hex() == empty["want"]
    assert merkle.root([]).hex() == empty["want"]
    assert merkle.leaf_hash(bytes.fromhex(empty_leaf["leaf_input_hex"])).hex() == empty_leaf["want"]
    assert merkle.leaf_hash(bytes.fromhex(leaf["leaf_input_hex"])).hex() == leaf["want"]
    left, right = bytes.fromhex(node["left_hex"]), bytes.fromhex(node["right_hex"])
    assert merkle.node_hash(left, right).hex() == node["want"]


def test_every_node_hash_of_the_eight_leaf_tree_is_a_stored_perfect_node() -> None:
    tree = MemoryTree(_eight_leaves())
    for level, row in enumerate(VECTORS["node_hashes_by_level"]):
        assert [tree.nodes[(level, i)].hex() for i in range(len(row))] == row


def test_every_root_of_the_eight_leaf_tree_matches() -> None:
    leaves = _eight_leaves()
    tree = MemoryTree(leaves)
    for size, want in VECTORS["roots_by_tree_size"].items():
        assert merkle.root(leaves[: int(size)]).hex() == want
        assert tree.root(int(size)).hex() == want


@pytest.mark.parametrize("case", VECTORS["inclusion_proofs"], ids=lambda c: str(c["leaf_index"]))
def test_every_sample_inclusion_proof_is_built_and_verifies(case: dict[str, Any]) -> None:
    leaves = _eight_leaves()
    index, size = case["leaf_index"], case["tree_size"]
    proof = [bytes.fromhex(h) for h in case["proof"]]
    assert merkle.inclusion_proof(leaves, index, size) == proof
    assert MemoryTree(leaves).inclusion_proof(index, size) == proof
    root = bytes.fromhex(case["root"])
    merkle.verify_inclusion(bytes.fromhex(case["leaf_hash"]), index, size, proof, root)


@pytest.mark.parametrize(
    "case", VECTORS["consistency_proofs"], ids=lambda c: f"{c['size1']}-{c['size2']}"
)
def test_every_sample_consistency_proof_is_built_and_verifies(case: dict[str, Any]) -> None:
    leaves = _eight_leaves()
    old, new = case["size1"], case["size2"]
    proof = [bytes.fromhex(h) for h in case["proof"]]
    assert merkle.consistency_proof(leaves, old, new) == proof
    assert MemoryTree(leaves).consistency_proof(old, new) == proof
    merkle.verify_consistency(
        old, new, bytes.fromhex(case["root1"]), bytes.fromhex(case["root2"]), proof
    )


def _golden_leaf(i: int) -> bytes:
    return merkle.leaf_hash(bytes([i & 0xFF, (i >> 8) & 0xFF]))


GOLDEN = VECTORS["golden_roots_2byte_le"]["cases"]


def test_every_golden_root_up_to_65535_leaves_matches_the_streaming_and_stored_trees() -> None:
    want = {c["tree_size"]: c["root"] for c in GOLDEN}
    compact, stored = merkle.CompactRange(), MemoryTree()
    for i in range(max(want)):
        compact.append(_golden_leaf(i))
        stored.append(_golden_leaf(i))
        if compact.size in want:
            assert compact.root().hex() == want[compact.size]
    for size, root in want.items():
        assert stored.root(size).hex() == root


@pytest.mark.parametrize("case", GOLDEN, ids=lambda c: str(c["tree_size"]))
def test_every_golden_root_and_visited_subtree_matches_from_the_leaf_list(
    case: dict[str, Any],
) -> None:
    size = case["tree_size"]
    leaves = [_golden_leaf(i) for i in range(size)]
    assert merkle.root(leaves).hex() == case["root"]
    # The compact range's interior nodes may be ragged (cut at the tree size): MTH of the slice.
    for node in case["nodes"]:
        start, end = node["index"] << node["level"], (node["index"] + 1) << node["level"]
        assert merkle.root(leaves[start : min(end, size)]).hex() == node["hash"]


class _Shifted(Mapping[merkle.NodeKey, bytes]):
    """The perfect nodes of the subtree starting at `start`, keyed as if it were a whole tree."""

    def __init__(self, nodes: Mapping[merkle.NodeKey, bytes], start: int) -> None:
        self.nodes, self.start = nodes, start

    def __getitem__(self, key: merkle.NodeKey) -> bytes:
        level, index = key
        return self.nodes[(level, index + (self.start >> level))]

    def __iter__(self) -> Iterator[merkle.NodeKey]:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError


def _valid_subtrees(leaves: int) -> Iterator[tuple[int, int]]:
    for end in range(leaves + 1):
        for start in range(end + 1):
            width = end - start
            if start == 0 or width == 0 or start % (1 << (width - 1).bit_length()) == 0:
                yield start, end


def test_the_accumulated_subtree_hashes_and_inclusion_proofs_match_their_digests() -> None:
    digests = VECTORS["accumulated_subtree_digests"]
    tree = MemoryTree(merkle.leaf_hash(bytes([i])) for i in range(130))
    hashes, paths = hashlib.sha256(), hashlib.sha256()
    for start, end in _valid_subtrees(130):
        view = _Shifted(tree.nodes, start)
        hashes.update(
            f"[{start}, {end}) {merkle.root_from_nodes(view, end - start).hex()}\n".encode()
        )
        for index in range(start, end):
            proof = merkle.inclusion_proof_from_nodes(view, index - start, end - start)
            line = f"{index} [{start}, {end})" + "".join(f" {h.hex()}" for h in proof)
            paths.update(f"{line}\n".encode())
    assert hashes.hexdigest() == digests["subtree_hash"]["sha256"]
    assert paths.hexdigest() == digests["subtree_inclusion_proof"]["sha256"]
