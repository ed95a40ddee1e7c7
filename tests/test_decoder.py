"""The decoder on modules written for the purpose, checked against what the text says they contain."""

from __future__ import annotations

import pytest

from wasmlint import DecodeError, decode_bytes
from wasmlint.model import FuncType, GlobalType, MemoryType, TableType, TagType

HEADER = b"\x00asm\x01\x00\x00\x00"


def test_every_import_and_export_kind(wat2wasm):  # type: ignore[no-untyped-def]
    module = decode_bytes(
        wat2wasm(
            """(module
              (import "env" "ws_connect" (func (param i64) (result i64)))
              (import "env" "pair" (func (param f32 f64) (result i32 i64)))
              (import "env" "memory" (memory 1 2))
              (import "env" "shared" (memory 1 4 shared))
              (import "env" "mem64" (memory i64 3))
              (import "env" "table" (table 2 externref))
              (import "env" "g" (global (mut i64)))
              (import "env" "e" (tag (param i32)))
              (func (export "meta") (result i32) i32.const 0)
              (global (export "answer") i32 (i32.add (i32.const 40) (i32.const 2)))
              (table (export "t64") i64 1 funcref)
              (export "memory" (memory 0))
              (export "tag" (tag 0)))"""
        )
    )
    assert [(i.module, i.name, i.kind, i.type) for i in module.imports] == [
        ("env", "ws_connect", "func", FuncType(("i64",), ("i64",))),
        ("env", "pair", "func", FuncType(("f32", "f64"), ("i32", "i64"))),
        ("env", "memory", "memory", MemoryType(1, 2)),
        ("env", "shared", "memory", MemoryType(1, 4, shared=True)),
        ("env", "mem64", "memory", MemoryType(3, None, index="i64")),
        ("env", "table", "table", TableType("externref", 2, None)),
        ("env", "g", "global", GlobalType("i64", mutable=True)),
        ("env", "e", "tag", TagType(("i32",), ())),
    ]
    assert [(e.name, e.kind, e.index, e.type) for e in module.exports] == [
        ("meta", "func", 2, FuncType((), ("i32",))),
        ("answer", "global", 1, GlobalType("i32")),
        ("t64", "table", 1, TableType("funcref", 1, None, "i64")),
        ("memory", "memory", 0, MemoryType(1, 2)),
        ("tag", "tag", 0, TagType(("i32",), ())),
    ]


@pytest.mark.parametrize(
    ("data", "offset", "message"),
    [
        (b"", 0, "unexpected end"),
        (b"\x00asn\x01\x00\x00\x00", 0, "magic header not detected"),
        (b"\x00asm\x02\x00\x00\x00", 4, "unknown binary version"),
        (HEADER + b"\x0e\x00", 8, "malformed section id"),
        (HEADER + b"\x01\x05\x00", 9, "length out of bounds"),
        (HEADER + b"\x01\x02\x00\x00", 11, "section size mismatch"),
        (HEADER + b"\x03\x01\x00\x01\x01\x00", 11, "unexpected content after last section"),
        (HEADER + b"\x01\x01\x80", 11, "unexpected end of section or function"),
        (HEADER + b"\x02\x04\x01\x01\xff\x00", 12, "malformed UTF-8 encoding"),
        (HEADER + b"\x01\x06\x80\x80\x80\x80\x10\x00", 14, "integer too large"),
        (HEADER + b"\x01\x07\x80\x80\x80\x80\x80\x00\x00", 15, "integer representation too long"),
        (HEADER + b"\x03\x02\x01\x00", 8, "function and code section have inconsistent lengths"),
    ],
)
def test_malformed_inputs_report_offset_and_spec_message(data: bytes, offset: int, message: str) -> None:
    with pytest.raises(DecodeError) as caught:
        decode_bytes(data)
    assert caught.value.message == message
    assert caught.value.offset == offset


def test_component_is_recognised_not_malformed() -> None:
    assert decode_bytes(b"\x00asm\x0d\x00\x01\x00").kind == "component"


def test_huge_declared_count_is_refused_before_allocation() -> None:
    with pytest.raises(DecodeError, match="unexpected end of section"):
        decode_bytes(HEADER + b"\x02\x05\xff\xff\xff\xff\x0f")


def test_continuation_types_decode() -> None:
    """(type $f (func)) (type $c (cont $f)) (import "env" "resume" (func (param (ref null $c) i32))),
    as `wasm-tools parse` 1.262 encodes it (stack-switching proposal)."""
    module = decode_bytes(
        b"\x00asm\x01\x00\x00\x00\x01\x0c\x03`\x00\x00]\x00`\x02c\x01\x7f\x00\x02\x0e\x01\x03env\x06resume\x00\x02\x00\x0e\x04name\x04\x07\x02\x00\x01f\x01\x01c"
    )
    assert [str(t) for t in module.types] == ["() -> ()", "cont 0", "((ref null 1), i32) -> ()"]
    assert module.imports[0].type == FuncType(("(ref null 1)", "i32"), ())


def test_shared_everything_constant_expression() -> None:
    """(global (export "g") (ref (shared i31)) (ref.i31_shared (i32.const 7))), from `wasm-tools parse`."""
    module = decode_bytes(b"\x00asm\x01\x00\x00\x00\x06\n\x01del\x00A\x07\xfer\x0b\x07\x05\x01\x01g\x03\x00")
    assert module.exports[0].type == GlobalType("(ref (shared i31))")


# The decoder reads the most common encodings in place (plain numeric function types, function imports with a
# one-byte type index, one-byte LEB128 values) and leaves everything else to the general reader. These cases sit
# on the boundary: each must give what the general reader gives.
@pytest.mark.parametrize(
    ("data", "offset", "message"),
    [
        # a result count that runs past the end of the input
        (HEADER + b"\x01\x04\x01\x60\x00\x02\x7f", 13, "unexpected end of section or function"),
        # a parameter list that runs past the end of the input
        (HEADER + b"\x01\x04\x01\x60\x03\x7f", 12, "unexpected end of section or function"),
        # a value type byte that is no value type
        (HEADER + b"\x01\x05\x01\x60\x01\x7a\x00", 13, "malformed value type"),
        # a function import whose one-byte type index names no type
        (HEADER + b"\x01\x04\x01\x60\x00\x00" + b"\x02\x07\x01\x01m\x01f\x00\x05", 22, "unknown type 5"),
        # a function import that names a struct type
        (HEADER + b"\x01\x03\x01\x5f\x00" + b"\x02\x07\x01\x01m\x01f\x00\x00", 21, "type 0 is not a function type"),
        # a function import cut off before its type index
        (
            HEADER + b"\x01\x04\x01\x60\x00\x00" + b"\x02\x06\x01\x01m\x01f\x00",
            22,
            "unexpected end of section or function",
        ),
    ],
)
def test_in_place_reads_fall_back_to_the_general_reader(data: bytes, offset: int, message: str) -> None:
    with pytest.raises(DecodeError) as caught:
        decode_bytes(data)
    assert (caught.value.offset, caught.value.message) == (offset, message)


def test_in_place_reads_agree_with_the_general_reader(wat2wasm):  # type: ignore[no-untyped-def]
    module = decode_bytes(
        wat2wasm(
            """(module
              (type (func (param externref i32) (result i64)))
              (import "env" "mixed" (func (type 0)))
              (import "env" "wide" (func (param WIDE)))
              (import "env" "memory" (memory 127 128))
              (global (export "minus") i32 (i32.const -1))
              (global (export "big") i64 (i64.const 0x7fffffffffff)))""".replace("WIDE", " ".join(["i32"] * 130))
        )
    )
    mixed, wide, memory = (imp.type for imp in module.imports)
    assert mixed == FuncType(("externref", "i32"), ("i64",))
    assert wide == FuncType(("i32",) * 130, ())  # a two-byte count
    assert memory == MemoryType(127, 128)
    assert [e.type for e in module.exports] == [GlobalType("i32"), GlobalType("i64")]
