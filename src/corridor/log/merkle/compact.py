"""A compact range: the right edge of a growing tree, to recompute its root while streaming."""

from __future__ import annotations

from collections.abc import Sequence

from corridor.log.merkle.hashing import EMPTY_ROOT, check_hash, node_hash


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
            check_hash(h, "edge hash")
        tree = cls()
        tree.size, tree._edge = size, list(edge)
        return tree

    def right_edge(self) -> list[bytes]:
        return list(self._edge)

    def append(self, leaf_hash: bytes) -> None:
        check_hash(leaf_hash, "leaf hash")
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
