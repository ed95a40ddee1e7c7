"""The parts of a component that a listing reads only to pass by: canonical definitions and core types.

A canonical definition has no length prefix, so each of its alternatives (62 in ``design/mvp/Binary.md``, most of
them gated: async, threads, error-context) is read to find the next one; only ``canon lift`` matters to a listing,
for the component function it defines. Core types appear inside component and instance types (module types, GC
rec groups) and are read with the core decoder's type grammar.
"""

from __future__ import annotations

from .reader import DecodeError, Reader
from .types import comptype, globaltype, memtype, rectype, tabletype

_U32 = (0x02, 0x03, 0x04, 0x0E, 0x13, 0x14, 0x15, 0x1A, 0x1B)
_NOTHING = (0x05, 0x0D, 0x1E, 0x1F, 0x22, 0x23, 0x24, 0x25, 0x26, 0x28)
_BYTE = (0x06, 0x0C, 0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x42)
_U32_OPTIONS = (0x0F, 0x10, 0x16, 0x17)
_U32_BYTE = (0x11, 0x12, 0x18, 0x19)
_BYTE_U32 = (0x20, 0x21, 0x40)
_PRIMITIVE_VALTYPES = range(0x73, 0x80)
_ERROR_CONTEXT = 0x64


def expect(r: Reader, byte: int, what: str) -> None:
    start = r.pos
    found = r.u8()
    if found != byte:
        raise DecodeError(start, f"invalid leading byte (0x{found:x}) for {what}")


def canon(r: Reader) -> int | None:
    """Pass one canonical definition by; returns the function type index of a ``canon lift``, else None."""
    start = r.pos
    op = r.u8()
    if op == 0x00:  # lift
        expect(r, 0x00, "canon lift")
        r.u32()
        canon_options(r)
        return r.u32()
    if op == 0x01:  # lower
        expect(r, 0x00, "canon lower")
        r.u32()
        canon_options(r)
    elif op in _U32:
        r.u32()
    elif op in _NOTHING:
        pass
    elif op == 0x09:  # task.return: a result list, then options
        _result_list(r)
        canon_options(r)
    elif op in (0x0A, 0x0B):  # context.get / context.set
        r.u8()
        r.u32()
    elif op in _BYTE:
        r.u8()
    elif op in _U32_OPTIONS:
        r.u32()
        canon_options(r)
    elif op in _U32_BYTE:
        r.u32()
        r.u8()
    elif op in (0x1C, 0x1D):
        canon_options(r)
    elif op in _BYTE_U32:
        r.u8()
        r.u32()
    elif op == 0x27:
        r.u32()
        r.u32()
    elif op == 0x41:
        r.u8()
        r.u32()
        r.u32()
    else:
        raise DecodeError(start, f"invalid leading byte (0x{op:x}) for canonical function")
    return None


def canon_options(r: Reader) -> None:
    for _ in range(r.count()):
        start = r.pos
        option = r.u8()
        if option in (0x03, 0x04, 0x05, 0x07):
            r.u32()
        elif option not in (0x00, 0x01, 0x02, 0x06):
            raise DecodeError(start, f"invalid leading byte (0x{option:x}) for canonical option")


def _result_list(r: Reader) -> None:
    start = r.pos
    tag = r.u8()
    if tag == 0x00:
        byte = r.peek()
        if byte in _PRIMITIVE_VALTYPES or byte == _ERROR_CONTEXT:
            r.pos += 1
        elif r.s33() < 0:
            raise DecodeError(start + 1, f"invalid leading byte (0x{byte:x}) for component value type")
    elif tag != 0x01 or r.u8() != 0x00:
        raise DecodeError(start, "invalid function result list: a function has at most one, unnamed, result")


def core_type(r: Reader, depth: int = 0) -> None:
    """Pass a ``core:type`` by: a module type, a non-final subtype written ``0x00 0x50``, or a rec group."""
    start = r.pos
    tag = r.peek()
    if tag == 0x50:  # module type
        r.pos += 1
        for _ in range(r.count()):
            _module_declaration(r, depth)
    elif tag == 0x00:  # a non-final subtype
        r.pos += 1
        expect(r, 0x50, "core sub type")
        r.vec(r.u32)
        comptype(r)
    else:
        rectype(r)
    if r.pos == start:
        raise DecodeError(start, "malformed core type")


def _module_declaration(r: Reader, depth: int) -> None:
    start = r.pos
    tag = r.u8()
    if tag == 0x00:
        r.name()
        r.name()
        _core_externtype(r)
    elif tag == 0x01:
        if depth > 0:
            raise DecodeError(start, "core module types cannot nest")
        core_type(r, depth + 1)
    elif tag == 0x02:
        expect(r, 0x10, "core alias sort")
        expect(r, 0x01, "core alias target")
        r.u32()
        r.u32()
    elif tag == 0x03:
        r.name()
        _core_externtype(r)
    else:
        raise DecodeError(start, f"invalid leading byte (0x{tag:x}) for core module type declaration")


def _core_externtype(r: Reader) -> None:
    start = r.pos
    tag = r.u8()
    if tag == 0x00:
        r.u32()
    elif tag == 0x01:
        tabletype(r)
    elif tag == 0x02:
        memtype(r)
    elif tag == 0x03:
        globaltype(r)
    elif tag == 0x04:
        expect(r, 0x00, "tag attribute")
        r.u32()
    else:
        raise DecodeError(start, "malformed import kind")
