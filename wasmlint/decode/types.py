"""Decoding of the type grammar: value, reference, heap, storage, composite and external types.

One function per production of the binary format, named as the spec names it; each returns model values and
spells value types the way the text format does.
"""

from __future__ import annotations

from typing import Literal

from ..model import (
    DEFAULT_PAGE_SIZE,
    ArrayType,
    CompositeType,
    ContType,
    FieldType,
    FuncType,
    GlobalType,
    MemoryType,
    StructType,
    TableType,
    TagType,
    ValType,
)
from .reader import DecodeError, Reader

NUMERIC_TYPES = {0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64", 0x7B: "v128"}

ABSTRACT_HEAP_TYPES = {
    0x73: "nofunc",
    0x72: "noextern",
    0x71: "none",
    0x70: "func",
    0x6F: "extern",
    0x6E: "any",
    0x6D: "eq",
    0x6C: "i31",
    0x6B: "struct",
    0x6A: "array",
    0x69: "exn",
    0x74: "noexn",
    0x68: "cont",
    0x75: "nocont",
}

SHORT_REFERENCE_TYPES = {
    "func": "funcref",
    "extern": "externref",
    "any": "anyref",
    "eq": "eqref",
    "i31": "i31ref",
    "struct": "structref",
    "array": "arrayref",
    "exn": "exnref",
    "none": "nullref",
    "nofunc": "nullfuncref",
    "noextern": "nullexternref",
    "noexn": "nullexnref",
    "cont": "contref",
    "nocont": "nullcontref",
}

REF = 0x64
REF_NULL = 0x63
SHARED = 0x65
EXACT = 0x62

PACKED_TYPES = {0x78: "i8", 0x77: "i16"}

MAX_PAGE_SIZE_LOG2 = 16


def reference_type_text(heap: str, nullable: bool) -> ValType:
    """Spell a reference type as the text format does: the short form where one exists."""
    if nullable and heap in SHORT_REFERENCE_TYPES:
        return SHORT_REFERENCE_TYPES[heap]
    return f"(ref null {heap})" if nullable else f"(ref {heap})"


def heaptype(r: Reader) -> str:
    start = r.pos
    byte = r.peek()
    if byte in ABSTRACT_HEAP_TYPES:
        r.pos += 1
        return ABSTRACT_HEAP_TYPES[byte]
    if byte == SHARED:
        r.pos += 1
        inner = r.u8()
        if inner not in ABSTRACT_HEAP_TYPES:
            raise DecodeError(start, "malformed heap type")
        return f"(shared {ABSTRACT_HEAP_TYPES[inner]})"
    if byte == EXACT:
        raise DecodeError(start, "exact reference types (custom-descriptors proposal) are not supported")
    index = r.s33()
    if index < 0:
        raise DecodeError(start, "malformed heap type")
    return str(index)


def type_code(r: Reader) -> int:
    """A type constructor byte; the spec reads it as a one-byte signed LEB128, so a continuation bit is an
    over-long integer."""
    byte = r.u8()
    if byte & 0x80:
        raise DecodeError(r.pos, "integer representation too long")
    return byte


def valtype(r: Reader) -> ValType:
    start = r.pos
    byte = type_code(r)
    if byte in NUMERIC_TYPES:
        return NUMERIC_TYPES[byte]
    if byte in ABSTRACT_HEAP_TYPES:
        return SHORT_REFERENCE_TYPES[ABSTRACT_HEAP_TYPES[byte]]
    if byte in (REF, REF_NULL):
        return reference_type_text(heaptype(r), nullable=byte == REF_NULL)
    if byte == SHARED:
        r.pos = start
        return reference_type_text(heaptype(r), nullable=True)
    raise DecodeError(start, "malformed value type")


def reftype(r: Reader) -> ValType:
    byte = r.peek()
    if byte not in ABSTRACT_HEAP_TYPES and byte not in (REF, REF_NULL, SHARED):
        raise DecodeError(r.pos, "malformed reference type")
    return valtype(r)


def resulttype(r: Reader) -> tuple[ValType, ...]:
    count = r.count()
    # Most result types are numeric, one byte each: spelled in one pass, else read value by value.
    numeric = tuple(map(NUMERIC_TYPES.get, r.data[r.pos : r.pos + count]))
    if None not in numeric:
        r.pos += count
        return numeric  # type: ignore[return-value]
    return tuple([valtype(r) for _ in range(count)])


def functype(r: Reader) -> FuncType:
    params = resulttype(r)
    return FuncType(params, resulttype(r))


def storagetype(r: Reader) -> str:
    byte = r.peek()
    if byte in PACKED_TYPES:
        r.pos += 1
        return PACKED_TYPES[byte]
    return valtype(r)


def mutability(r: Reader) -> bool:
    start = r.pos
    byte = r.u8()
    if byte > 1:
        raise DecodeError(start, "malformed mutability")
    return byte == 1


def fieldtype(r: Reader) -> FieldType:
    storage = storagetype(r)
    return FieldType(storage, mutability(r))


COMPOSITE_FUNC = 0x60
COMPOSITE_STRUCT = 0x5F
COMPOSITE_ARRAY = 0x5E
COMPOSITE_CONT = 0x5D
SUB = 0x50
SUB_FINAL = 0x4F
REC = 0x4E
DESCRIPTOR = 0x4D
DESCRIBES = 0x4C


def comptype(r: Reader) -> CompositeType:
    start = r.pos
    form = type_code(r)
    if form == SHARED:  # shared-everything threads: one prefix, then the type itself
        start = r.pos
        form = type_code(r)
    if form == COMPOSITE_FUNC:
        return functype(r)
    if form == COMPOSITE_STRUCT:
        return StructType(tuple(r.vec(lambda: fieldtype(r))))
    if form == COMPOSITE_ARRAY:
        return ArrayType(fieldtype(r))
    if form == COMPOSITE_CONT:
        return ContType(r.u32())
    if form in (DESCRIPTOR, DESCRIBES):
        raise DecodeError(start, "type descriptors (custom-descriptors proposal) are not supported")
    raise DecodeError(start, "malformed type")


def subtype(r: Reader) -> CompositeType:
    form = r.peek()
    if form in (SUB, SUB_FINAL):
        r.pos += 1
        r.vec(r.u32)
    return comptype(r)


def rectype(r: Reader) -> list[CompositeType]:
    if r.peek() == REC:
        r.pos += 1
        return r.vec(lambda: subtype(r))
    return [subtype(r)]


def type_section(r: Reader) -> list[CompositeType]:
    types: list[CompositeType] = []
    data, end, numeric = r.data, r.end, NUMERIC_TYPES.get
    for _ in range(r.count()):
        pos = r.pos
        if pos >= end or data[pos] != COMPOSITE_FUNC:
            types.extend(rectype(r))
            continue
        # Most entries of most modules are plain function types with fewer than 128 numeric parameters and
        # results: read in place. Anything else, faults included, is left to the general reader.
        params_at = pos + 2
        if params_at <= end and data[pos + 1] < 0x80:
            results_count_at = params_at + data[pos + 1]
            if results_count_at < end and data[results_count_at] < 0x80:
                results_at = results_count_at + 1
                after = results_at + data[results_count_at]
                params = tuple(map(numeric, data[params_at:results_count_at]))
                results = tuple(map(numeric, data[results_at:after]))
                if after <= end and None not in params and None not in results:
                    r.pos = after
                    types.append(FuncType(params, results))  # type: ignore[arg-type]
                    continue
        r.pos = pos + 1
        types.append(functype(r))
    return types


LIMITS_HAS_MAX = 0x01
LIMITS_SHARED = 0x02
LIMITS_64 = 0x04
LIMITS_PAGE_SIZE = 0x08


def limits(r: Reader, allowed: int) -> tuple[int, int, int | None]:
    """Returns (flags, min, max). WebAssembly 3.0 encodes every bound as u64; range is a validation matter."""
    start = r.pos
    flags = r.u8()
    if flags & ~allowed:
        raise DecodeError(start, "malformed limits flags")
    minimum = r.u64()
    maximum = r.u64() if flags & LIMITS_HAS_MAX else None
    return flags, minimum, maximum


def tabletype(r: Reader) -> TableType:
    element = reftype(r)
    flags, minimum, maximum = limits(r, LIMITS_HAS_MAX | LIMITS_SHARED | LIMITS_64)
    index: Literal["i32", "i64"] = "i64" if flags & LIMITS_64 else "i32"
    return TableType(element, minimum, maximum, index, bool(flags & LIMITS_SHARED))


def memtype(r: Reader) -> MemoryType:
    flags, minimum, maximum = limits(r, LIMITS_HAS_MAX | LIMITS_SHARED | LIMITS_64 | LIMITS_PAGE_SIZE)
    page_size = DEFAULT_PAGE_SIZE
    if flags & LIMITS_PAGE_SIZE:
        start = r.pos
        log2 = r.u32()
        if log2 > MAX_PAGE_SIZE_LOG2:
            raise DecodeError(start, "invalid custom page size")
        page_size = 1 << log2
    index: Literal["i32", "i64"] = "i64" if flags & LIMITS_64 else "i32"
    return MemoryType(minimum, maximum, bool(flags & LIMITS_SHARED), index, page_size)


GLOBAL_MUTABLE = 0x01
GLOBAL_SHARED = 0x02


def globaltype(r: Reader) -> GlobalType:
    value = valtype(r)
    start = r.pos
    flags = r.u8()
    if flags & ~(GLOBAL_MUTABLE | GLOBAL_SHARED):
        raise DecodeError(start, "malformed mutability")
    return GlobalType(value, bool(flags & GLOBAL_MUTABLE), bool(flags & GLOBAL_SHARED))


def tagtype(r: Reader, types: list[CompositeType]) -> TagType:
    start = r.pos
    if r.u8() != 0:
        raise DecodeError(start, "malformed tag attribute")
    func = function_type_at(r, types)
    return TagType(func.params, func.results)


def function_type_at(r: Reader, types: list[CompositeType]) -> FuncType:
    """Read a type index that must name a function type (imports, tags)."""
    start = r.pos
    index = r.u32()
    if index >= len(types):
        raise DecodeError(start, f"unknown type {index}")
    found = types[index]
    if not isinstance(found, FuncType):
        raise DecodeError(start, f"type {index} is not a function type")
    return found
