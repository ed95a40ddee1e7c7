"""The WebAssembly spec test suite's binary-format cases, run against the decoder.

The cases and modules live in ``tests/spec`` (see its README; regenerate with ``tests/spec/extract.py``):

* ``valid`` -- must decode to a ``Module``;
* ``malformed`` in scope ``decoder`` -- must raise ``DecodeError`` whose message starts with the suite's text,
  the comparison the reference interpreter makes for ``assert_malformed``;
* ``malformed`` in scope ``body`` -- the fault lies in contents wasmlint skips by design (function bodies,
  element/data segments): decoding may succeed or raise ``DecodeError``, but nothing else;
* ``invalid`` -- well-formed binary that fails validation, which wasmlint does not do: likewise.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wasmlint import DecodeError, decode_bytes
from wasmlint.model import Module

SPEC = Path(__file__).parent / "spec"
CASES: list[dict[str, Any]] = json.loads((SPEC / "expected.json").read_text(encoding="utf-8"))


def _id(case: dict[str, Any]) -> str:
    return f"{case['script']}:{case['line']}"


def _check_offset(err: DecodeError, data: bytes) -> None:
    assert isinstance(err.offset, int), f"offset {err.offset!r} is not an int"
    assert 0 <= err.offset <= len(data), f"offset {err.offset} outside the {len(data)}-byte module"


def _decode_or_reject(data: bytes) -> None:
    try:
        module = decode_bytes(data)
    except DecodeError as err:
        _check_offset(err, data)
    else:
        assert isinstance(module, Module)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_spec_case(case: dict[str, Any]) -> None:
    data = (SPEC / case["file"]).read_bytes()
    outcome, scope = case["outcome"], case["scope"]

    if outcome == "valid":
        module = decode_bytes(data)
        assert isinstance(module, Module)
        assert module.kind == "module"
    elif outcome == "malformed" and scope == "decoder":
        with pytest.raises(DecodeError) as info:
            decode_bytes(data)
        err = info.value
        _check_offset(err, data)
        accepted = [case["message"], *case.get("also_accepted", [])]
        assert any(err.message.startswith(prefix) for prefix in accepted), (
            f"expected a message starting with {' or '.join(map(repr, accepted))}, "
            f"got {err.message!r} at offset {err.offset}"
        )
    elif (outcome == "malformed" and scope == "body") or outcome == "invalid":
        _decode_or_reject(data)
    else:
        pytest.fail(f"unknown outcome/scope {outcome}/{scope}")


def test_expected_table_is_well_formed() -> None:
    assert CASES, "tests/spec/expected.json is empty"
    for case in CASES:
        assert (SPEC / case["file"]).is_file(), case["file"]
        assert case["outcome"] in ("valid", "malformed", "invalid"), case
        assert case["scope"] in ("decoder", "body"), case
        if case["scope"] == "body":
            assert case["outcome"] == "malformed" and case.get("why"), case
        if case["outcome"] == "malformed":
            assert case["message"], case
