"""Decoding of the type grammar: value, reference, heap, storage, composite and external types.

One function per production of the binary format, named as the spec names it; each returns model values and
spells value types the way the text format does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

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

if TYPE_CHECKING:
    from .reader import Buffer

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


# Value types spelled by one byte (numbers, abstract reference shorthands), and by two: `ref`/`ref null` and an
# abstract heap type or a type index below 64 (a one-byte s33). Each maps to its spelling, made once.
ONE_BYTE_VALTYPES: dict[int, ValType] = {
    **NUMERIC_TYPES,
    **{code: SHORT_REFERENCE_TYPES[heap] for code, heap in ABSTRACT_HEAP_TYPES.items()},
}
TWO_BYTE_VALTYPES: dict[int, ValType] = {
    prefix << 8 | code: reference_type_text(heap, prefix == REF_NULL)
    for prefix in (REF, REF_NULL)
    for code, heap in [*ABSTRACT_HEAP_TYPES.items(), *((index, str(index)) for index in range(64))]
}

_ONE_BYTE_STORAGE: dict[int, str] = {**ONE_BYTE_VALTYPES, **PACKED_TYPES}


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
    pos = r.pos
    if pos + 1 < r.end:  # the common one- and two-byte spellings, looked up in place (WasmGC types are mostly these)
        data = r.data
        found = ONE_BYTE_VALTYPES.get(data[pos])
        if found is not None:
            r.pos = pos + 1
            return found
        found = TWO_BYTE_VALTYPES.get(data[pos] << 8 | data[pos + 1])
        if found is not None:
            r.pos = pos + 2
            return found
        if pos + 2 < r.end and data[pos] in (REF, REF_NULL) and data[pos + 1] & 0x80 and data[pos + 2] < 0x40:
            # A type index of 64 to 8191 (a two-byte positive s33), as in any module with more than 64 types.
            key = data[pos] << 16 | data[pos + 1] << 8 | data[pos + 2]
            found = _THREE_BYTE_VALTYPES.get(key)
            if found is None:
                index = (data[pos + 1] & 0x7F) | data[pos + 2] << 7
                found = _THREE_BYTE_VALTYPES.setdefault(key, reference_type_text(str(index), data[pos] == REF_NULL))
            r.pos = pos + 3
            return found
    return _valtype(r)


_THREE_BYTE_VALTYPES: dict[int, ValType] = {}
"""Spellings of three-byte reference types, made the first time each is met."""


def _valtype(r: Reader) -> ValType:
    """Every value type, faults included, with the spec's checks."""
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
    # Else value by value, the one- and two-byte spellings looked up in place (as in valtype, without the calls).
    data, pos, end = r.data, r.pos, r.end
    one, two = ONE_BYTE_VALTYPES.get, TWO_BYTE_VALTYPES.get
    values: list[ValType] = []
    for _ in range(count):
        if pos + 1 < end:
            found = one(data[pos])
            if found is not None:
                values.append(found)
                pos += 1
                continue
            found = two(data[pos] << 8 | data[pos + 1])
            if found is not None:
                values.append(found)
                pos += 2
                continue
        r.pos = pos
        values.append(valtype(r))
        pos = r.pos
    r.pos = pos
    return tuple(values)


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


KEPT_VALUES = 4096
"""How many field and global types are kept for reuse (a type index can be any number: a process that decodes
module after module, as a registry's does, keeps only so many)."""

_FIELD_TYPES: dict[tuple[str, bool], FieldType] = {}
"""Field types are values, and a module repeats a few of them thousands of times: each is made once."""


def fieldtype(r: Reader) -> FieldType:
    key = (storagetype(r), mutability(r))
    found = _FIELD_TYPES.get(key)
    if found is None:
        found = FieldType(*key)
        if len(_FIELD_TYPES) < KEPT_VALUES:
            _FIELD_TYPES[key] = found
    return found


def fieldtypes(r: Reader) -> tuple[FieldType, ...]:
    """A struct's fields. A field met before whose storage type takes one or two bytes is found by its bytes
    (WasmGC modules have thousands of fields of a few dozen kinds); anything else is read by :func:`fieldtype`,
    faults included, and remembered by its bytes when they are two or three."""
    data, end = r.data, r.end
    known = _FIELDS_BY_BYTES.get
    fields: list[FieldType] = []
    for _ in range(r.count()):
        pos = r.pos
        if pos + 2 < end:
            found = known(data[pos] << 8 | data[pos + 1])  # a one-byte storage type and the mutability byte
            if found is not None:
                r.pos = pos + 2
                fields.append(found)
                continue
            found = known(1 << 24 | data[pos] << 16 | data[pos + 1] << 8 | data[pos + 2])
            if found is not None:
                r.pos = pos + 3
                fields.append(found)
                continue
        found = fieldtype(r)
        size = r.pos - pos
        if size == 2:
            _FIELDS_BY_BYTES[data[pos] << 8 | data[pos + 1]] = found
        elif size == 3:
            _FIELDS_BY_BYTES[1 << 24 | data[pos] << 16 | data[pos + 1] << 8 | data[pos + 2]] = found
        fields.append(found)
    return tuple(fields)


_FIELDS_BY_BYTES: dict[int, FieldType] = {}
"""Field types by their encoding (two bytes, or three with bit 24 set). A one-byte storage type never begins a
two-byte one (the `ref` prefixes are not value types), so the two kinds of key cannot be confused."""


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
        found = _plain_functype(r.data, r.pos, r.end)
        if found is not None:
            r.pos = found[1]
            return found[0]
        return functype(r)
    if form == COMPOSITE_STRUCT:
        return StructType(fieldtypes(r))
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
        for _ in range(r.count()):  # the supertypes: indices, not needed for a listing
            r.u32()
    return comptype(r)


def rectype(r: Reader) -> list[CompositeType]:
    if r.peek() == REC:
        r.pos += 1
        return [subtype(r) for _ in range(r.count())]
    return [subtype(r)]


def type_section(r: Reader) -> list[CompositeType]:
    types: list[CompositeType] = []
    data, end = r.data, r.end
    for _ in range(r.count()):
        pos = r.pos
        if pos < end and data[pos] == COMPOSITE_FUNC:
            found = _plain_functype(data, pos + 1, end)
            if found is not None:
                r.pos = found[1]
                types.append(found[0])
                continue
            r.pos = pos + 1
            types.append(functype(r))
            continue
        types.extend(rectype(r))
    return types


def _plain_functype(data: Buffer, pos: int, end: int) -> tuple[FuncType, int] | None:
    """A function type read in place, from just after its 0x60: both counts below 128 and every value type one
    of the one- or two-byte spellings (numbers, abstract references, `(ref N)` for N < 64). That is most function
    types of most modules, WasmGC ones included; None for anything else (faults too), which the general reader
    then reads."""
    if pos >= end or data[pos] >= 0x80:
        return None
    # Numbers only, the commonest case: two slices.
    params_at = pos + 1
    results_count_at = params_at + data[pos]
    if (
        results_count_at < end
        and data[results_count_at] < 0x80
        and (params_at == results_count_at or data[params_at] in NUMERIC_TYPES)
    ):
        after = results_count_at + 1 + data[results_count_at]
        if after <= end:
            numeric = NUMERIC_TYPES.get
            params = tuple(map(numeric, data[params_at:results_count_at]))
            results = tuple(map(numeric, data[results_count_at + 1 : after]))
            if None not in params and None not in results:
                return FuncType(params, results), after  # type: ignore[arg-type]
    one, two = ONE_BYTE_VALTYPES.get, TWO_BYTE_VALTYPES.get
    vectors: list[tuple[ValType, ...]] = []
    for _ in range(2):
        if pos >= end or data[pos] >= 0x80:
            return None
        count = data[pos]
        pos += 1
        values: list[ValType] = []
        for _ in range(count):
            if pos + 1 >= end:
                return None
            found = one(data[pos])
            if found is not None:
                pos += 1
            else:
                found = two(data[pos] << 8 | data[pos + 1])
                if found is not None:
                    pos += 2
                elif pos + 2 < end:
                    found = _THREE_BYTE_VALTYPES.get(data[pos] << 16 | data[pos + 1] << 8 | data[pos + 2])
                    if found is None:
                        return None  # (the general reader spells it, and stores it for next time)
                    pos += 3
                else:
                    return None
            values.append(found)
        vectors.append(tuple(values))
    return FuncType(vectors[0], vectors[1]), pos


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


_GLOBAL_TYPES: dict[tuple[ValType, int], GlobalType] = {}
"""Global types are values, and a WasmGC module imports and defines thousands of a few kinds: each is made once."""


def globaltype(r: Reader) -> GlobalType:
    value = valtype(r)
    start = r.pos
    flags = r.u8()
    if flags & ~(GLOBAL_MUTABLE | GLOBAL_SHARED):
        raise DecodeError(start, "malformed mutability")
    found = _GLOBAL_TYPES.get((value, flags))
    if found is None:
        found = GlobalType(value, bool(flags & GLOBAL_MUTABLE), bool(flags & GLOBAL_SHARED))
        if len(_GLOBAL_TYPES) < KEPT_VALUES:
            _GLOBAL_TYPES[value, flags] = found
    return found


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
