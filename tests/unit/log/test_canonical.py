"""Canonical JSON: the RFC 8785 test vectors byte for byte, and every value that has no JCS form."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corridor.errors import InvalidInput
from corridor.log.canonical import MAX_SAFE_INTEGER, CanonicalError, canonicalize
from tests.unit.log import conformance

JCS_INPUTS = conformance.files("jcs/testdata/input", "*.json")


@pytest.mark.parametrize("source", JCS_INPUTS, ids=lambda p: p.name)
def test_every_jcs_input_canonicalises_to_its_expected_output(source: Path) -> None:
    expected = source.parent.parent.joinpath("output", source.name).read_bytes()
    value = json.loads(source.read_text(encoding="utf-8"))
    assert canonicalize(value) == expected


def _deep(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        float("inf"),
        float("-inf"),
        MAX_SAFE_INTEGER + 1,
        -MAX_SAFE_INTEGER - 1,
        2**64,
        2.0**53,
        -1e20,
        "\ud800",
        "ok \udfff",
        {"\ud800": 1},  # rfc8785 0.1.4 lets this escape as UnicodeEncodeError
        {1: "x"},
        {("a",): 1},
        b"bytes",
        {1, 2},
        Decimal("1.5"),
        object(),
        {"payload": [1, {"deep": float("nan")}]},
        _deep(5000),  # rfc8785 0.1.4 lets this escape as RecursionError
    ],
    ids=[
        "nan",
        "inf",
        "-inf",
        "2^53",
        "-2^53",
        "2^64",
        "float-2^53",
        "float-minus-1e20",
        "lone-high-surrogate",
        "lone-low-surrogate",
        "lone-surrogate-key",
        "integer-key",
        "tuple-key",
        "bytes",
        "set",
        "decimal",
        "object",
        "nested-nan",
        "very-deep",
    ],
)
def test_values_without_a_canonical_form_are_refused(value: Any) -> None:
    with pytest.raises(CanonicalError):
        canonicalize(value)


def test_the_error_is_an_invalid_input_naming_where_the_bad_value_is() -> None:
    with pytest.raises(InvalidInput) as caught:
        canonicalize({"payload": {"counts": [1, 2**60]}})
    assert caught.value.field == "$.payload.counts[1]"
    assert "2^53" in caught.value.detail


def test_the_largest_safe_integers_are_accepted() -> None:
    assert (
        canonicalize([MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER])
        == b"[9007199254740991,-9007199254740991]"
    )


def test_key_order_and_whitespace_do_not_change_the_bytes() -> None:
    assert canonicalize({"b": 1, "a": [True, None, 1.0]}) == b'{"a":[true,null,1],"b":1}'
    assert canonicalize({"a": [True, None, 1.0], "b": 1}) == canonicalize(
        {"b": 1, "a": [True, None, 1.0]}
    )


def test_floats_that_jcs_writes_with_an_exponent_are_accepted() -> None:
    # 1e21 and up are written as 1e+21 and parse back as floats; only [2^53, 1e21) is refused.
    assert canonicalize([1e21, 1e30, 1e-7, -0.0]) == b"[1e+21,1e+30,1e-7,0]"


def test_tuples_canonicalise_as_arrays() -> None:
    assert canonicalize({"p": (1, "x")}) == b'{"p":[1,"x"]}'


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)
    | st.floats(allow_nan=False, allow_infinity=False).filter(
        lambda f: not MAX_SAFE_INTEGER < abs(f) < 1e21
    )
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(json_values)
def test_canonical_bytes_parse_back_to_the_same_canonical_bytes(value: Any) -> None:
    once = canonicalize(value)
    assert canonicalize(json.loads(once)) == once
