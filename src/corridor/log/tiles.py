"""C2SP tlog-tiles: the log as static files any web server can mirror, and reading them back.

Layout (https://c2sp.org/tlog-tiles): `checkpoint`; hash tiles `tile/<L>/<N>[.p/<W>]` of 256
hashes each, level L holding the roots of perfect subtrees 8·L levels up; entry bundles
`tile/entries/<N>[.p/<W>]` of 2-byte big-endian length-prefixed entries.

A mirror may withhold entries its readers may not read (see `corridor.log.mirror`): the bundle
then holds WITHHELD followed by the entry's 32-byte leaf hash instead of the entry, as the API
serves only the leaf hash. The hash tiles are unchanged, so the tree still verifies; a generic
tlog-tiles client sees a withheld entry as one whose bytes do not match its leaf.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from corridor.log import merkle
from corridor.log.audit import Redacted
from corridor.log.note import parse_checkpoint, parse_note_text

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
MAX_ENTRY_SIZE = 0xFFFF  # the bundle's length prefix is two bytes
# Our entries are canonical JSON objects and start with "{", so this cannot be mistaken for one.
WITHHELD = b"corridor-withheld-entry/v1\n"


class TileError(Exception):
    """Tiles that are missing, malformed, or disagree with each other or the checkpoint."""


def encode_index(n: int) -> str:
    """Index as 3-digit path elements, all but the last prefixed `x`: 1234067 → x001/x234/067."""
    parts = [f"{n % 1000:03d}"]
    n //= 1000
    while n > 0:
        parts.append(f"x{n % 1000:03d}")
        n //= 1000
    return "/".join(reversed(parts))


def _suffix(width: int) -> str:
    if not 1 <= width <= TILE_WIDTH:
        raise ValueError(f"tile width {width} is outside 1..{TILE_WIDTH}")
    return "" if width == TILE_WIDTH else f".p/{width}"


def tile_path(level: int, index: int, width: int = TILE_WIDTH) -> str:
    return f"tile/{level}/{encode_index(index)}{_suffix(width)}"


def entries_path(index: int, width: int = TILE_WIDTH) -> str:
    return f"tile/entries/{encode_index(index)}{_suffix(width)}"


def tiles_for_size(size: int) -> Iterator[tuple[int, int, int]]:
    """(level, index, width) of every hash tile of a tree of `size` leaves, full ones first;
    the level-0 ones also name the entry bundles."""
    level = 0
    while size >> (TILE_HEIGHT * level):
        count = size >> (TILE_HEIGHT * level)  # hashes at this tile level
        for index in range(count >> TILE_HEIGHT):
            yield level, index, TILE_WIDTH
        if count % TILE_WIDTH:
            yield level, count >> TILE_HEIGHT, count % TILE_WIDTH
        level += 1


def _tile_levels(leaf_hashes: Sequence[bytes]) -> list[list[bytes]]:
    """The hashes each tile level holds: leaf hashes, then roots of each full tile below."""
    levels = [list(leaf_hashes)]
    while len(levels[-1]) >= TILE_WIDTH:
        below = levels[-1]
        full = len(below) - len(below) % TILE_WIDTH
        levels.append([merkle.root(below[i : i + TILE_WIDTH]) for i in range(0, full, TILE_WIDTH)])
    return levels


def _bundle(entries: Sequence[bytes]) -> bytes:
    return b"".join(len(e).to_bytes(2, "big") + e for e in entries)


def encode_entry(entry: bytes | Redacted) -> bytes:
    """What a bundle holds for an entry: the entry, or for a withheld one its leaf hash."""
    return WITHHELD + entry.leaf_hash if isinstance(entry, Redacted) else entry


def decode_entry(data: bytes) -> bytes | Redacted:
    """An entry read from a bundle, or the leaf hash of one the mirror withholds."""
    if data.startswith(WITHHELD) and len(data) == len(WITHHELD) + 32:
        return Redacted(data[len(WITHHELD):])
    return data


def leaf_hash_of(entry: bytes | Redacted) -> bytes:
    return entry.leaf_hash if isinstance(entry, Redacted) else merkle.leaf_hash(entry)


def _write(path: Path, data: bytes) -> None:
    # Published tiles are immutable: different bytes at an existing path mean a forked history.
    if path.exists():
        if path.read_bytes() != data:
            raise TileError(f"{path} exists with different contents; refusing to rewrite history")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def write_tiles(directory: Path, entries: Sequence[bytes | Redacted],
                checkpoint_note: str) -> None:
    """Write every tile and bundle of the tree of `entries` (withheld ones by their leaf hash),
    then the checkpoint it must match."""
    checkpoint = parse_checkpoint(parse_note_text(checkpoint_note))
    if checkpoint.size != len(entries):
        raise ValueError(f"checkpoint size {checkpoint.size} but {len(entries)} entries")
    bundled = [encode_entry(e) for e in entries]
    for i, e in enumerate(bundled):
        if len(e) > MAX_ENTRY_SIZE:
            raise ValueError(f"entry {i} is {len(e)} bytes; tlog-tiles bundles hold at most 65535")
    leaves = [leaf_hash_of(e) for e in entries]
    if merkle.root(leaves) != checkpoint.root_hash:
        raise ValueError("the checkpoint's root hash is not the root of these entries")
    directory = Path(directory)
    levels = _tile_levels(leaves)
    for level, index, width in tiles_for_size(len(entries)):
        start = index * TILE_WIDTH
        _write(
            directory / tile_path(level, index, width),
            b"".join(levels[level][start : start + width]),
        )
        if level == 0:
            _write(directory / entries_path(index, width), _bundle(bundled[start : start + width]))
    # Last, so a mirror never announces a tree whose tiles are not all there yet.
    tmp = directory / ".checkpoint.tmp"
    tmp.write_text(checkpoint_note, encoding="utf-8")
    tmp.replace(directory / "checkpoint")


# --- Reading ----------------------------------------------------------------------------------


def _read_tile(source: Path, path: str, full_path: str, width: int) -> tuple[bytes, int]:
    """A tile (or bundle) and the width of what was read: for a partial one the spec lets a
    client take the full tile instead once it has filled (the log may delete the partial)."""
    try:
        return (source / path).read_bytes(), width
    except FileNotFoundError:
        if width < TILE_WIDTH:
            try:
                return (source / full_path).read_bytes(), TILE_WIDTH
            except FileNotFoundError:
                pass
    raise TileError(f"missing {path}")


def _parse_bundle(data: bytes, count: int, where: str) -> list[bytes]:
    entries: list[bytes] = []
    at = 0
    while at < len(data):
        if at + 2 > len(data):
            raise TileError(f"{where}: truncated length prefix")
        n = int.from_bytes(data[at : at + 2], "big")
        if at + 2 + n > len(data):
            raise TileError(f"{where}: entry {len(entries)} runs past the end")
        entries.append(data[at + 2 : at + 2 + n])
        at += 2 + n
    if len(entries) != count:
        raise TileError(f"{where} holds {len(entries)} entries, not {count}")
    return entries


def read_entries(source_dir: Path, size: int) -> list[bytes]:
    """The first `size` entries, from the bundles a tree of that size publishes."""
    source = Path(source_dir)
    entries: list[bytes] = []
    for _, index, width in (t for t in tiles_for_size(size) if t[0] == 0):
        path = entries_path(index, width)
        data, read_width = _read_tile(source, path, entries_path(index), width)
        entries.extend(_parse_bundle(data, read_width, path)[:width])
    return entries


def read_tiles(source_dir: Path) -> tuple[str, list[bytes]]:
    """The signed `checkpoint` note (unverified: the caller holds the keys) and its entries."""
    note = (Path(source_dir) / "checkpoint").read_text(encoding="utf-8")
    checkpoint = parse_checkpoint(parse_note_text(note))
    return note, read_entries(source_dir, checkpoint.size)


def nodes_from_tiles(
    source_dir: Path, keys: Sequence[merkle.NodeKey], size: int
) -> dict[merkle.NodeKey, bytes]:
    """The given perfect-subtree hashes of a tree of `size`, each computed within one hash tile."""
    source = Path(source_dir)
    tiles: dict[tuple[int, int], list[bytes]] = {}
    nodes: dict[merkle.NodeKey, bytes] = {}
    for level, index in keys:
        tile_level, height = divmod(level, TILE_HEIGHT)
        first = index << height  # position among the hashes of this tile level
        tile = first >> TILE_HEIGHT
        if (tile_level, tile) not in tiles:
            count = size >> (TILE_HEIGHT * tile_level)
            width = min(TILE_WIDTH, count - tile * TILE_WIDTH)
            path = tile_path(tile_level, tile, width)
            data, read_width = _read_tile(source, path, tile_path(tile_level, tile), width)
            if len(data) != 32 * read_width:
                raise TileError(f"{path} is {len(data)} bytes, not {read_width} hashes")
            tiles[(tile_level, tile)] = [data[i : i + 32] for i in range(0, 32 * width, 32)]
        start = first - tile * TILE_WIDTH
        nodes[(level, index)] = merkle.root(
            tiles[(tile_level, tile)][start : start + (1 << height)]
        )
    return nodes


def root_from_tiles(source_dir: Path, size: int) -> bytes:
    """The tree root at `size` from O(log n) hash tiles, as a tlog-tiles client computes it."""
    keys = merkle.nodes_for_root(size)
    return merkle.root_from_nodes(nodes_from_tiles(source_dir, keys, size), size)
