"""tlog-tiles: paths, Tessera's reference log read and reproduced byte for byte, round trips."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor.log import merkle, note, signing, tiles
from corridor.log.audit import Redacted
from tests.unit.log import conformance
from tests.unit.log.reference import MemoryTree, open_checkpoint, verify_tiles

WORDS = b"one two three four five six seven eit nain ten ileven twelf threeten fourten fivten"


def _tessera_note(size: int) -> str:
    return (conformance.TESSERA_LOG / f"checkpoint.{size}").read_text(encoding="utf-8")


def _tessera_checkpoint(size: int) -> note.Checkpoint:
    log = note.NoteVerifier.from_vkey(conformance.TESSERA_VKEY)
    return open_checkpoint(_tessera_note(size), log)[0]


# --- Paths -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "encoded"),
    [(0, "000"), (7, "007"), (999, "999"), (1000, "x001/000"), (1234067, "x001/x234/067")],
)
def test_a_tile_index_is_encoded_in_three_digit_path_elements(index: int, encoded: str) -> None:
    assert tiles.encode_index(index) == encoded


def test_tile_and_bundle_paths_mark_partial_tiles_with_their_width() -> None:
    assert tiles.tile_path(0, 1234067) == "tile/0/x001/x234/067"
    assert tiles.tile_path(2, 0, 1) == "tile/2/000.p/1"
    assert tiles.entries_path(5, 255) == "tile/entries/005.p/255"
    with pytest.raises(ValueError):
        tiles.tile_path(0, 0, 0)


def test_the_tiles_of_a_70000_leaf_tree_are_those_the_spec_lists() -> None:
    listed = list(tiles.tiles_for_size(70_000))
    assert [t for t in listed if t[0] == 0 and t[2] == 256] == [(0, i, 256) for i in range(273)]
    assert [t for t in listed if t[2] != 256 or t[0] > 0] == [
        (0, 273, 112),
        (1, 0, 256),
        (1, 1, 17),
        (2, 0, 1),
    ]


def test_a_256_leaf_tree_has_a_full_level_0_tile_and_a_partial_level_1_tile() -> None:
    assert list(tiles.tiles_for_size(256)) == [(0, 0, 256), (1, 0, 1)]
    assert list(tiles.tiles_for_size(0)) == []


# --- Tessera's log ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", range(16))
def test_every_tessera_checkpoint_root_is_recomputed_from_its_entries_and_its_tiles(
    size: int,
) -> None:
    checkpoint = _tessera_checkpoint(size)
    entries = verify_tiles(conformance.TESSERA_LOG, checkpoint)
    assert entries == WORDS.split()[:size]
    assert merkle.root([tiles.leaf_hash_of(e) for e in entries]) == checkpoint.root_hash
    assert tiles.root_from_tiles(conformance.TESSERA_LOG, size) == checkpoint.root_hash


def test_reading_the_tessera_log_gives_its_latest_checkpoint_and_every_entry() -> None:
    text, entries = tiles.read_tiles(conformance.TESSERA_LOG)
    assert text == _tessera_note(15)
    assert entries == WORDS.split()


def test_writing_tessera_s_entries_checkpoint_by_checkpoint_reproduces_its_files(
    tmp_path: Path,
) -> None:
    for size in range(16):
        tiles.write_tiles(tmp_path, WORDS.split()[:size], _tessera_note(size))
    ours = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    theirs = {
        p.relative_to(conformance.TESSERA_LOG): p.read_bytes()
        for p in conformance.TESSERA_LOG.rglob("*")
        if p.is_file() and p.name.startswith("checkpoint.") is False
    }
    assert ours == theirs


def test_inclusion_and_consistency_proofs_can_be_built_from_the_tessera_tiles() -> None:
    tree = MemoryTree(merkle.leaf_hash(w) for w in WORDS.split())
    for index in range(15):
        keys = merkle.nodes_for_inclusion(index, 15)
        nodes = tiles.nodes_from_tiles(conformance.TESSERA_LOG, keys, 15)
        assert merkle.inclusion_proof_from_nodes(nodes, index, 15) == tree.inclusion_proof(index)
    for old in range(1, 15):
        keys = merkle.nodes_for_consistency(old, 15)
        nodes = tiles.nodes_from_tiles(conformance.TESSERA_LOG, keys, 15)
        proof = merkle.consistency_proof_from_nodes(nodes, old, 15)
        merkle.verify_consistency(
            old, 15, _tessera_checkpoint(old).root_hash, _tessera_checkpoint(15).root_hash, proof
        )


@pytest.fixture
def tessera_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "log"
    shutil.copytree(conformance.TESSERA_LOG, copy)
    for p in copy.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)  # the shared corpus is read-only
    return copy


def test_a_changed_entry_is_caught(tessera_copy: Path) -> None:
    bundle = tessera_copy / "tile/entries/000.p/15"
    bundle.write_bytes(bundle.read_bytes().replace(b"fivten", b"fifton"))
    with pytest.raises(tiles.TileError, match="entries do not hash"):
        verify_tiles(tessera_copy, _tessera_checkpoint(15))


def test_a_changed_tile_hash_is_caught(tessera_copy: Path) -> None:
    tile = tessera_copy / "tile/0/000.p/15"
    data = bytearray(tile.read_bytes())
    data[-1] ^= 1
    tile.write_bytes(bytes(data))
    with pytest.raises(tiles.TileError, match="hash tiles"):
        verify_tiles(tessera_copy, _tessera_checkpoint(15))


@pytest.mark.parametrize("garbage", [b"\x00", b"\x00\x05ab"], ids=["half-prefix", "short-entry"])
def test_a_malformed_bundle_is_refused(tessera_copy: Path, garbage: bytes) -> None:
    bundle = tessera_copy / "tile/entries/000.p/3"
    bundle.write_bytes(bundle.read_bytes() + garbage)
    with pytest.raises(tiles.TileError):
        tiles.read_entries(tessera_copy, 3)


def test_a_missing_tile_is_reported(tessera_copy: Path) -> None:
    (tessera_copy / "tile/0/000.p/15").unlink()
    with pytest.raises(tiles.TileError, match=r"missing tile/0/000\.p/15"):
        tiles.root_from_tiles(tessera_copy, 15)


# --- Writing ---------------------------------------------------------------------------------

LOG = note.NoteSigner("example.com/corridor/test", signing.generate_private_key())


def _checkpoint_note(entries: list[bytes]) -> str:
    root = merkle.root([merkle.leaf_hash(e) for e in entries])
    return note.sign_note(note.Checkpoint(LOG.name, len(entries), root).body(), [LOG])


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.binary(max_size=40), max_size=600), st.data())
def test_written_tiles_read_back_to_the_same_entries_roots_and_proofs(
    tmp_path_factory: pytest.TempPathFactory, entries: list[bytes], data: st.DataObject
) -> None:
    directory = tmp_path_factory.mktemp("tiles")
    signed = _checkpoint_note(entries)
    tiles.write_tiles(directory, entries, signed)
    text, read = tiles.read_tiles(directory)
    assert (text, read) == (signed, entries)
    checkpoint, _ = open_checkpoint(text, LOG.verifier())
    assert verify_tiles(directory, checkpoint) == entries
    if entries:
        size = len(entries)
        index = data.draw(st.integers(0, size - 1))
        nodes = tiles.nodes_from_tiles(directory, merkle.nodes_for_inclusion(index, size), size)
        proof = merkle.inclusion_proof_from_nodes(nodes, index, size)
        merkle.verify_inclusion(
            merkle.leaf_hash(entries[index]), index, size, proof, checkpoint.root_hash
        )


def test_a_tree_past_65536_leaves_gets_level_2_tiles_and_still_verifies(tmp_path: Path) -> None:
    entries = [i.to_bytes(3, "big") for i in range(65_536 + 300)]
    tiles.write_tiles(tmp_path, entries, _checkpoint_note(entries))
    assert (tmp_path / "tile/1/000").stat().st_size == 256 * 32
    assert (tmp_path / "tile/1/001.p/1").stat().st_size == 32
    assert (tmp_path / "tile/2/000.p/1").stat().st_size == 32
    checkpoint = note.parse_checkpoint(note.parse_note_text(_checkpoint_note(entries)))
    assert tiles.root_from_tiles(tmp_path, len(entries)) == checkpoint.root_hash
    # An older size whose partial tiles were never written is served from the full ones.
    assert tiles.read_entries(tmp_path, 200) == entries[:200]
    older = merkle.root([merkle.leaf_hash(e) for e in entries[:65_000]])
    assert tiles.root_from_tiles(tmp_path, 65_000) == older


def test_a_checkpoint_that_does_not_match_the_entries_is_not_published(tmp_path: Path) -> None:
    entries = [b"a", b"b"]
    with pytest.raises(ValueError, match="size"):
        tiles.write_tiles(tmp_path, entries, _checkpoint_note(entries[:1]))
    with pytest.raises(ValueError, match="root"):
        tiles.write_tiles(tmp_path, [b"a", b"c"], _checkpoint_note(entries))
    assert not (tmp_path / "checkpoint").exists()


def test_an_entry_too_long_for_its_length_prefix_is_refused(tmp_path: Path) -> None:
    entries = [bytes(65_536)]
    with pytest.raises(ValueError, match="65535"):
        tiles.write_tiles(tmp_path, entries, _checkpoint_note(entries))


def test_a_published_tile_is_never_rewritten_with_other_contents(tmp_path: Path) -> None:
    tiles.write_tiles(tmp_path, [b"a", b"b"], _checkpoint_note([b"a", b"b"]))
    forked = [b"a", b"x"]
    with pytest.raises(tiles.TileError, match="rewrite history"):
        tiles.write_tiles(tmp_path, forked, _checkpoint_note(forked))


# --- Withheld entries --------------------------------------------------------------------------

SECRET = [b'{"a":1}', b'{"site":"secret depot"}', b'{"c":3}']


def test_a_withheld_entry_is_published_as_its_leaf_hash_and_the_tree_still_verifies(
    tmp_path: Path,
) -> None:
    mirror: list[bytes | Redacted] = [SECRET[0], Redacted(merkle.leaf_hash(SECRET[1])), SECRET[2]]
    tiles.write_tiles(tmp_path, mirror, _checkpoint_note(SECRET))
    published = b"".join(p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    assert b"secret depot" not in published
    checkpoint, _ = open_checkpoint(_checkpoint_note(SECRET), LOG.verifier())
    assert verify_tiles(tmp_path, checkpoint) == mirror


def test_a_withheld_entry_that_names_another_leaf_hash_is_caught(tmp_path: Path) -> None:
    mirror: list[bytes | Redacted] = [SECRET[0], Redacted(merkle.leaf_hash(SECRET[1])), SECRET[2]]
    tiles.write_tiles(tmp_path, mirror, _checkpoint_note(SECRET))
    bundle = tmp_path / tiles.entries_path(0, 3)
    data = bundle.read_bytes()
    at = data.index(tiles.WITHHELD) + len(tiles.WITHHELD)
    bundle.write_bytes(data[:at] + merkle.leaf_hash(b'{"site":"elsewhere"}') + data[at + 32:])
    checkpoint, _ = open_checkpoint(_checkpoint_note(SECRET), LOG.verifier())
    with pytest.raises(tiles.TileError, match="do not hash to the root"):
        verify_tiles(tmp_path, checkpoint)
