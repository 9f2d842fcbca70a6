"""Canonical JSON (RFC 8785, JCS): the exact bytes that log entries and signatures cover."""

from __future__ import annotations

import math
from typing import Any

import rfc8785

from corridor.errors import InvalidInput

# RFC 8785 numbers are IEEE doubles: larger integers would be rounded by other implementations,
# so two parties would hash different bytes for "the same" entry.
MAX_SAFE_INTEGER = 2**53 - 1
# Deep nesting is never a legitimate payload; refusing it early beats a RecursionError.
MAX_DEPTH = 64


class CanonicalError(InvalidInput):
    """A value that has no RFC 8785 form (NaN, a huge integer, a lone surrogate, a set...)."""


def canonicalize(obj: Any) -> bytes:
    """The RFC 8785 bytes of `obj`; CanonicalError, naming where, if it has none."""
    # rfc8785 0.1.4 already refuses NaN/inf, unsafe integers, lone surrogates in values and
    # non-JSON types, but a lone surrogate in an object *key* escapes as UnicodeEncodeError and
    # deep nesting as RecursionError; checking first also lets the error name the place.
    _check(obj, "$", 0)
    try:
        return rfc8785.dumps(obj)
    except (rfc8785.CanonicalizationError, UnicodeError, RecursionError) as e:  # pragma: no cover
        raise CanonicalError(f"cannot canonicalise: {e}") from e


def _check(obj: Any, path: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise CanonicalError(f"{path}: nested deeper than {MAX_DEPTH} levels", field=path)
    if obj is None or isinstance(obj, bool):
        return
    if isinstance(obj, int):
        if not -MAX_SAFE_INTEGER <= obj <= MAX_SAFE_INTEGER:
            raise CanonicalError(
                f"{path}: integer {obj} is beyond ±(2^53−1); send it as a string", field=path
            )
        return
    if isinstance(obj, float):
        if not math.isfinite(obj):
            raise CanonicalError(f"{path}: {obj} is not a JSON number", field=path)
        # JCS writes 2^53 <= |x| < 1e21 as an integer literal, which parses back (in Python,
        # and so in the sequencer that re-canonicalises stored envelopes) as an unsafe integer.
        if MAX_SAFE_INTEGER < abs(obj) < 1e21:
            raise CanonicalError(
                f"{path}: number {obj!r} would be written as an integer beyond ±(2^53−1); "
                "send it as a string",
                field=path,
            )
        return
    if isinstance(obj, str):
        _check_text(obj, path)
        return
    if isinstance(obj, list | tuple):
        for i, item in enumerate(obj):
            _check(item, f"{path}[{i}]", depth + 1)
        return
    if isinstance(obj, dict):
        for key, value in obj.items():
            if not isinstance(key, str):
                raise CanonicalError(f"{path}: object key {key!r} is not a string", field=path)
            _check_text(key, f"{path} key {key!r}")
            _check(value, f"{path}.{key}", depth + 1)
        return
    raise CanonicalError(
        f"{path}: a {type(obj).__name__} is not JSON (use null, true/false, numbers, strings, "
        "arrays or objects)",
        field=path,
    )


def _check_text(s: str, path: str) -> None:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError as e:
        raise CanonicalError(
            f"{path}: contains a lone surrogate (U+{ord(s[e.start]):04X}), not valid Unicode",
            field=path,
        ) from e
