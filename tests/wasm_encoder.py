"""A small WebAssembly binary encoder for the tests.

A module is described with the model's own values (``FuncType``, ``TableType``, ``MemoryType``, ``GlobalType``,
``StructType`` ...) plus a few descriptions of what the model does not keep (rec groups and subtyping, function
type indices, initialisers, custom sections), and written out byte by byte. :func:`encode` returns the bytes and
a :class:`Layout` with the offset of every section, import and export, so that a test can break a chosen byte
and know exactly where the decoder must report it. :meth:`ModuleDef.expected` is what ``decode_bytes`` must
return for the encoded module.

It is not an assembler: function bodies are all ``unreachable``, and data segments are passive. Given a
``random.Random``, the encoder varies the spelling wherever the binary format allows more than one for the same
module: LEB128 integers padded with redundant bytes up to the spec's limit (5 bytes for a u32, 10 for a u64), the
long form ``0x63 ht`` of a nullable abstract reference type, ``sub final`` around a type that has no supertypes,
an explicit 64 KiB page size.
"""

from __future__ import annotations

import dataclasses
import random
import re
import struct
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Union

from wasmlint.model import (
    CompositeType,
    Export,
    ExternKind,
    ExternType,
    FieldType,
    FuncType,
    GlobalType,
    Import,
    MemoryType,
    Module,
    StructType,
    TableType,
    TagType,
)

# ---------------------------------------------------------------------------------------------------------------
# LEB128


MAX_LEB_BYTES = {32: 5, 33: 5, 64: 10}


def leb_length(value: int, *, signed: bool = False) -> int:
    """The number of bytes of the shortest LEB128 encoding of ``value``."""
    n = 1
    while True:
        if signed:
            if -(1 << (7 * n - 1)) <= value < (1 << (7 * n - 1)):
                return n
        elif value < (1 << (7 * n)):
            return n
        n += 1


def leb128(value: int, *, signed: bool = False, length: int | None = None) -> bytes:
    """LEB128 in exactly ``length`` bytes (the shortest form by default). Padding beyond the spec's limit is
    allowed on purpose, so that tests can write an integer that is too long."""
    if not signed and value < 0:
        raise ValueError(f"negative unsigned value {value}")
    shortest = leb_length(value, signed=signed)
    n = shortest if length is None else length
    if n < shortest:
        raise ValueError(f"{value} does not fit in {n} LEB128 bytes")
    out = bytearray()
    for i in range(n):
        byte = (value >> (7 * i)) & 0x7F
        if i < n - 1:
            byte |= 0x80
        out.append(byte)
    return bytes(out)


def _check_range(value: int, bits: int, signed: bool) -> None:
    low, high = (-(1 << (bits - 1)), 1 << (bits - 1)) if signed else (0, 1 << bits)
    if not low <= value < high:
        raise ValueError(f"{value} is out of range for {'s' if signed else 'u'}{bits}")


def u32(value: int, length: int | None = None) -> bytes:
    _check_range(value, 32, False)
    return leb128(value, length=length)


def u64(value: int, length: int | None = None) -> bytes:
    _check_range(value, 64, False)
    return leb128(value, length=length)


def s32(value: int, length: int | None = None) -> bytes:
    _check_range(value, 32, True)
    return leb128(value, signed=True, length=length)


def s33(value: int, length: int | None = None) -> bytes:
    _check_range(value, 33, True)
    return leb128(value, signed=True, length=length)


def s64(value: int, length: int | None = None) -> bytes:
    _check_range(value, 64, True)
    return leb128(value, signed=True, length=length)


def name(text: str | bytes) -> bytes:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return u32(len(raw)) + raw


def section(section_id: int, body: bytes) -> bytes:
    return bytes([section_id]) + u32(len(body)) + body


# ---------------------------------------------------------------------------------------------------------------
# The writer: a growing buffer that knows how to spell the format's primitives


class Writer:
    """Appends encodings to a buffer; with a ``random.Random`` it picks among the equivalent spellings."""

    def __init__(self, rng: random.Random | None = None, variation: float = 0.3) -> None:
        self.out = bytearray()
        self.rng = rng
        self.variation = variation

    @property
    def pos(self) -> int:
        return len(self.out)

    def vary(self) -> bool:
        """Whether to use a non-canonical spelling this time."""
        return self.rng is not None and self.rng.random() < self.variation

    def byte(self, *values: int) -> int:
        start = self.pos
        self.out.extend(values)
        return start

    def raw(self, data: bytes) -> int:
        start = self.pos
        self.out += data
        return start

    def leb(self, value: int, bits: int, signed: bool, max_bytes: int | None = None) -> int:
        _check_range(value, bits, signed)
        length = None
        if self.vary():
            assert self.rng is not None
            limit = MAX_LEB_BYTES[bits] if max_bytes is None else max_bytes
            length = self.rng.randint(leb_length(value, signed=signed), limit)
        return self.raw(leb128(value, signed=signed, length=length))

    def u32(self, value: int) -> int:
        return self.leb(value, 32, False)

    def u64(self, value: int, max_bytes: int = 10) -> int:
        return self.leb(value, 64, False, max_bytes)

    def s32(self, value: int) -> int:
        return self.leb(value, 32, True)

    def s33(self, value: int) -> int:
        return self.leb(value, 33, True)

    def s64(self, value: int) -> int:
        return self.leb(value, 64, True)

    def name(self, text: str | bytes) -> tuple[int, int]:
        """Returns the offsets of the length and of the first byte of the name."""
        raw = text.encode("utf-8") if isinstance(text, str) else text
        start = self.u32(len(raw))
        return start, self.raw(raw)

    def vec(self, items: Sequence[object], item: Callable[[object], object]) -> int:
        start = self.u32(len(items))
        for each in items:
            item(each)
        return start


# ---------------------------------------------------------------------------------------------------------------
# Types

NUMERIC_TYPES = {"i32": 0x7F, "i64": 0x7E, "f32": 0x7D, "f64": 0x7C, "v128": 0x7B}
PACKED_TYPES = {"i8": 0x78, "i16": 0x77}
ABSTRACT_HEAP_TYPES = {
    "nofunc": 0x73,
    "noextern": 0x72,
    "none": 0x71,
    "func": 0x70,
    "extern": 0x6F,
    "any": 0x6E,
    "eq": 0x6D,
    "i31": 0x6C,
    "struct": 0x6B,
    "array": 0x6A,
    "exn": 0x69,
    "noexn": 0x74,
    "cont": 0x68,
    "nocont": 0x75,
}
SHORT_REFERENCE_TYPES = {
    "funcref": "func",
    "externref": "extern",
    "anyref": "any",
    "eqref": "eq",
    "i31ref": "i31",
    "structref": "struct",
    "arrayref": "array",
    "exnref": "exn",
    "nullref": "none",
    "nullfuncref": "nofunc",
    "nullexternref": "noextern",
    "nullexnref": "noexn",
    "contref": "cont",
    "nullcontref": "nocont",
}
SHORT_NAME = {heap: short for short, heap in SHORT_REFERENCE_TYPES.items()}
REF, REF_NULL, SHARED = 0x64, 0x63, 0x65
_REF_TEXT = re.compile(r"\(ref (null )?(.+)\)")


def ref_type(heap: str | int, nullable: bool) -> str:
    """The text-format spelling of a reference type, as the model uses it: the short form where one exists."""
    heap = str(heap)
    if nullable and heap in SHORT_NAME:
        return SHORT_NAME[heap]
    return f"(ref null {heap})" if nullable else f"(ref {heap})"


def parse_ref_type(text: str) -> tuple[str, bool]:
    """``(heap type, nullable)`` of a reference type's text."""
    if text in SHORT_REFERENCE_TYPES:
        return SHORT_REFERENCE_TYPES[text], True
    match = _REF_TEXT.fullmatch(text)
    if match is None:
        raise ValueError(f"not a reference type: {text!r}")
    return match.group(2), match.group(1) is not None


def write_heaptype(w: Writer, heap: str) -> None:
    if heap in ABSTRACT_HEAP_TYPES:
        w.byte(ABSTRACT_HEAP_TYPES[heap])
    elif heap.startswith("(shared ") and heap.endswith(")"):
        w.byte(SHARED, ABSTRACT_HEAP_TYPES[heap[8:-1]])
    else:
        w.s33(int(heap))


def write_valtype(w: Writer, text: str) -> None:
    if text in NUMERIC_TYPES:
        w.byte(NUMERIC_TYPES[text])
        return
    heap, nullable = parse_ref_type(text)
    if nullable and heap in ABSTRACT_HEAP_TYPES and not w.vary():
        w.byte(ABSTRACT_HEAP_TYPES[heap])  # the short form; the long one is 0x63 ht
        return
    w.byte(REF_NULL if nullable else REF)
    write_heaptype(w, heap)


def write_fieldtype(w: Writer, f: FieldType) -> None:
    if f.storage in PACKED_TYPES:
        w.byte(PACKED_TYPES[f.storage])
    else:
        write_valtype(w, f.storage)
    w.byte(1 if f.mutable else 0)


def write_comptype(w: Writer, comp: CompositeType) -> None:
    if isinstance(comp, FuncType):
        w.byte(0x60)
        w.vec(comp.params, lambda t: write_valtype(w, str(t)))
        w.vec(comp.results, lambda t: write_valtype(w, str(t)))
    elif isinstance(comp, StructType):
        w.byte(0x5F)
        w.vec(comp.fields, lambda f: write_fieldtype(w, f))  # type: ignore[arg-type]
    else:
        w.byte(0x5E)
        write_fieldtype(w, comp.element)


@dataclass(frozen=True)
class SubType:
    """A type definition with its place in the subtyping hierarchy."""

    comp: CompositeType
    supertypes: tuple[int, ...] = ()
    final: bool = True


@dataclass(frozen=True)
class RecGroup:
    types: tuple[SubType, ...]
    explicit: bool = True
    """Whether the group is written with its ``rec`` prefix; a group of one may go without."""


TypeDef = Union[RecGroup, SubType, CompositeType]


def _group(t: TypeDef) -> RecGroup:
    if isinstance(t, RecGroup):
        return t
    if isinstance(t, SubType):
        return RecGroup((t,), explicit=False)
    return RecGroup((SubType(t),), explicit=False)


def write_subtype(w: Writer, t: SubType) -> None:
    if t.supertypes or not t.final or w.vary():
        w.byte(0x4F if t.final else 0x50)
        w.vec(t.supertypes, lambda i: w.u32(int(i)))  # type: ignore[call-overload]
    write_comptype(w, t.comp)


def write_recgroup(w: Writer, g: RecGroup) -> None:
    if len(g.types) == 1 and not g.explicit:
        write_subtype(w, g.types[0])
    else:
        w.byte(0x4E)
        w.vec(g.types, lambda t: write_subtype(w, t))  # type: ignore[arg-type]


LIMITS_HAS_MAX, LIMITS_SHARED, LIMITS_64, LIMITS_PAGE_SIZE = 0x01, 0x02, 0x04, 0x08


def write_limits(
    w: Writer, minimum: int, maximum: int | None, *, shared: bool, index64: bool, page_size: int | None = None
) -> None:
    flags = (LIMITS_HAS_MAX if maximum is not None else 0) | (LIMITS_SHARED if shared else 0)
    flags |= LIMITS_64 if index64 else 0
    explicit_page = page_size is not None and (page_size != 65536 or w.vary())
    flags |= LIMITS_PAGE_SIZE if explicit_page else 0
    w.byte(flags)
    width = 10 if index64 else 5
    w.u64(minimum, width)
    if maximum is not None:
        w.u64(maximum, width)
    if explicit_page:
        assert page_size is not None
        w.u32(page_size.bit_length() - 1)


def write_tabletype(w: Writer, t: TableType) -> None:
    write_valtype(w, t.element)
    write_limits(w, t.min, t.max, shared=t.shared, index64=t.index == "i64")


def write_memtype(w: Writer, t: MemoryType) -> None:
    write_limits(w, t.min, t.max, shared=t.shared, index64=t.index == "i64", page_size=t.page_size)


def write_globaltype(w: Writer, t: GlobalType) -> None:
    write_valtype(w, t.value)
    w.byte((0x01 if t.mutable else 0) | (0x02 if t.shared else 0))


# ---------------------------------------------------------------------------------------------------------------
# Constant expressions

Instr = tuple[object, ...]
"""An instruction: its text name and immediates, e.g. ``("i32.const", 7)``, ``("ref.null", "func")``,
``("array.new_fixed", 3, 0)``. ``f32.const``/``f64.const`` take the value's bits as an int, so that every NaN
can be written; ``v128.const`` takes 16 bytes."""

_PLAIN_OPCODES = {
    "i32.add": 0x6A,
    "i32.sub": 0x6B,
    "i32.mul": 0x6C,
    "i64.add": 0x7C,
    "i64.sub": 0x7D,
    "i64.mul": 0x7E,
}
_GC_OPCODES = {
    "struct.new": 0,
    "struct.new_default": 1,
    "array.new": 6,
    "array.new_default": 7,
    "array.new_fixed": 8,
    "any.convert_extern": 26,
    "extern.convert_any": 27,
    "ref.i31": 28,
}


def write_expr(w: Writer, expr: Iterable[Instr]) -> None:
    for op, *args in expr:
        if op == "i32.const":
            w.byte(0x41)
            w.s32(int(args[0]))  # type: ignore[call-overload]
        elif op == "i64.const":
            w.byte(0x42)
            w.s64(int(args[0]))  # type: ignore[call-overload]
        elif op == "f32.const":
            w.byte(0x43)
            w.raw(struct.pack("<I", args[0]))
        elif op == "f64.const":
            w.byte(0x44)
            w.raw(struct.pack("<Q", args[0]))
        elif op == "v128.const":
            w.byte(0xFD)
            w.u32(12)
            assert isinstance(args[0], bytes) and len(args[0]) == 16
            w.raw(args[0])
        elif op == "global.get":
            w.byte(0x23)
            w.u32(int(args[0]))  # type: ignore[call-overload]
        elif op == "ref.func":
            w.byte(0xD2)
            w.u32(int(args[0]))  # type: ignore[call-overload]
        elif op == "ref.null":
            w.byte(0xD0)
            write_heaptype(w, str(args[0]))
        elif op in _PLAIN_OPCODES:
            w.byte(_PLAIN_OPCODES[str(op)])
        elif op in _GC_OPCODES:
            w.byte(0xFB)
            w.u32(_GC_OPCODES[str(op)])
            for immediate in args:
                w.u32(int(immediate))  # type: ignore[call-overload]
        else:
            raise ValueError(f"not a constant instruction: {op!r}")
    w.byte(0x0B)


# ---------------------------------------------------------------------------------------------------------------
# Modules


@dataclass(frozen=True)
class ImportDef:
    module: str | bytes
    name: str | bytes
    kind: ExternKind
    desc: int | TableType | MemoryType | GlobalType
    """A type index for ``func`` and ``tag``, the extern type itself otherwise."""


@dataclass(frozen=True)
class TableDef:
    type: TableType
    init: tuple[Instr, ...] | None = None
    """An initialiser makes the table use the ``0x40 0x00`` form."""


@dataclass(frozen=True)
class GlobalDef:
    type: GlobalType
    init: tuple[Instr, ...]


@dataclass(frozen=True)
class ExportDef:
    name: str | bytes
    kind: ExternKind
    index: int


# Custom sections; ``after`` is the id of the known section they follow (0: right after the header).


@dataclass(frozen=True)
class NameSection:
    module: str | None = None
    functions: tuple[tuple[int, str], ...] = ()
    after: int = 11


@dataclass(frozen=True)
class ProducersSection:
    fields: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    after: int = 11


@dataclass(frozen=True)
class TargetFeaturesSection:
    features: tuple[tuple[str, str], ...]
    after: int = 11


@dataclass(frozen=True)
class RawCustomSection:
    name: str | bytes
    payload: bytes = b""
    after: int = 11


CustomSection = Union[NameSection, ProducersSection, TargetFeaturesSection, RawCustomSection]

(
    CUSTOM,
    TYPE,
    IMPORT,
    FUNCTION,
    TABLE,
    MEMORY,
    GLOBAL,
    EXPORT,
    START,
    ELEMENT,
    CODE,
    DATA,
    DATA_COUNT,
    TAG,
) = range(14)
SECTION_ORDER = (TYPE, IMPORT, FUNCTION, TABLE, MEMORY, TAG, GLOBAL, EXPORT, START, ELEMENT, DATA_COUNT, CODE, DATA)
KIND_BYTES: dict[ExternKind, int] = {"func": 0, "table": 1, "memory": 2, "global": 3, "tag": 4}


@dataclass
class ModuleDef:
    types: list[TypeDef] = field(default_factory=list)
    imports: list[ImportDef] = field(default_factory=list)
    functions: list[int] = field(default_factory=list)
    """The type index of each function the module defines."""
    tables: list[TableDef] = field(default_factory=list)
    memories: list[MemoryType] = field(default_factory=list)
    tags: list[int] = field(default_factory=list)
    globals: list[GlobalDef] = field(default_factory=list)
    exports: list[ExportDef] = field(default_factory=list)
    start: int | None = None
    data: list[bytes] = field(default_factory=list)
    """Passive data segments."""
    data_count: bool = False
    customs: list[CustomSection] = field(default_factory=list)

    def flat_types(self) -> list[CompositeType]:
        return [t.comp for g in map(_group, self.types) for t in g.types]

    def func_type(self, index: int) -> FuncType:
        found = self.flat_types()[index]
        if not isinstance(found, FuncType):
            raise ValueError(f"type {index} is not a function type")
        return found

    def import_type(self, imp: ImportDef) -> ExternType:
        if imp.kind == "func":
            assert isinstance(imp.desc, int)
            return self.func_type(imp.desc)
        if imp.kind == "tag":
            assert isinstance(imp.desc, int)
            f = self.func_type(imp.desc)
            return TagType(f.params, f.results)
        assert not isinstance(imp.desc, int)
        return imp.desc

    def index_space(self, kind: ExternKind) -> list[ExternType]:
        """The types of the ``kind`` index space: imports first, then the module's own definitions."""
        space = [self.import_type(imp) for imp in self.imports if imp.kind == kind]
        if kind == "func":
            space += [self.func_type(i) for i in self.functions]
        elif kind == "table":
            space += [t.type for t in self.tables]
        elif kind == "memory":
            space += self.memories
        elif kind == "global":
            space += [g.type for g in self.globals]
        else:
            space += [TagType(f.params, f.results) for f in map(self.func_type, self.tags)]
        return space

    def expected(self) -> Module:
        """What ``decode_bytes`` must return for this module (the fields that take part in ``==``)."""

        def text(s: str | bytes) -> str:
            return s if isinstance(s, str) else s.decode("utf-8")

        spaces = {kind: self.index_space(kind) for kind in KIND_BYTES}
        module_name: str | None = None
        producers: dict[str, tuple[tuple[str, str], ...]] = {}
        features: tuple[tuple[str, str], ...] = ()
        for custom in ordered_customs(self.customs):  # the decoder keeps what the last section of a name says
            if isinstance(custom, NameSection):
                module_name = custom.module
            elif isinstance(custom, ProducersSection):
                producers = dict(custom.fields)
            elif isinstance(custom, TargetFeaturesSection):
                features = custom.features
        return Module(
            types=tuple(self.flat_types()),
            imports=tuple(
                Import(text(imp.module), text(imp.name), imp.kind, self.import_type(imp)) for imp in self.imports
            ),
            exports=tuple(Export(text(e.name), e.kind, e.index, spaces[e.kind][e.index]) for e in self.exports),
            start=self.start,
            module_name=module_name,
            producers=producers,
            target_features=features,
        )


def ordered_customs(customs: Sequence[CustomSection]) -> list[CustomSection]:
    """Custom sections in the order :func:`encode` writes them."""
    rank = {0: -1, **{section_id: n for n, section_id in enumerate(SECTION_ORDER)}}
    return sorted(customs, key=lambda c: rank[c.after])


def _shift(entry: object, delta: int) -> None:
    for f in dataclasses.fields(entry):  # type: ignore[arg-type]
        value = getattr(entry, f.name)
        if f.name != "id" and isinstance(value, int) and not isinstance(value, bool):
            setattr(entry, f.name, value + delta)


@dataclass
class SectionLayout:
    id: int
    offset: int
    """The section id byte."""
    size_offset: int
    body_offset: int
    end: int
    name: str | None = None


@dataclass
class ImportLayout:
    offset: int
    """The entry, which is also its module name's length."""
    name_offset: int
    """The length of the item name."""
    module_bytes: int
    name_bytes: int
    kind_offset: int
    end: int


@dataclass
class ExportLayout:
    offset: int
    name_bytes: int
    kind_offset: int
    index_offset: int
    end: int


@dataclass
class Layout:
    sections: list[SectionLayout] = field(default_factory=list)
    imports: list[ImportLayout] = field(default_factory=list)
    exports: list[ExportLayout] = field(default_factory=list)

    def section(self, section_id: int, name: str | None = None) -> SectionLayout:
        for s in self.sections:
            if s.id == section_id and (name is None or s.name == name):
                return s
        raise KeyError(section_id if name is None else name)

    def count_offset(self, section_id: int) -> int:
        """The vector count at the start of a known section's body."""
        return self.section(section_id).body_offset


@dataclass
class Encoded:
    data: bytes
    layout: Layout


def custom_name(custom: CustomSection) -> str | bytes:
    if isinstance(custom, NameSection):
        return "name"
    if isinstance(custom, ProducersSection):
        return "producers"
    if isinstance(custom, TargetFeaturesSection):
        return "target_features"
    return custom.name


def _write_subsection(w: Writer, sub_id: int, contents: Callable[[Writer], object]) -> None:
    sub = Writer(w.rng, w.variation)
    contents(sub)
    w.byte(sub_id)
    w.u32(sub.pos)
    w.raw(bytes(sub.out))


def write_custom(w: Writer, custom: CustomSection) -> None:
    """A custom section's contents, after its name."""
    if isinstance(custom, NameSection):
        if custom.module is not None:
            module_name = custom.module
            _write_subsection(w, 0, lambda sub: sub.name(module_name))
        if custom.functions:
            functions = custom.functions

            def function_names(sub: Writer) -> None:
                sub.u32(len(functions))
                for index, text in functions:
                    sub.u32(index)
                    sub.name(text)

            _write_subsection(w, 1, function_names)
    elif isinstance(custom, ProducersSection):
        w.u32(len(custom.fields))
        for field_name, values in custom.fields:
            w.name(field_name)
            w.u32(len(values))
            for value_name, version in values:
                w.name(value_name)
                w.name(version)
    elif isinstance(custom, TargetFeaturesSection):
        w.u32(len(custom.features))
        for prefix, feature in custom.features:
            w.byte(ord(prefix))
            w.name(feature)
    else:
        w.raw(custom.payload)


def encode(module: ModuleDef, rng: random.Random | None = None, variation: float = 0.3) -> Encoded:
    """The binary form of ``module`` and where everything is in it."""
    out = Writer(rng, variation)
    out.raw(b"\x00asm\x01\x00\x00\x00")
    layout = Layout()

    def frame(section_id: int, body: Writer, entries: Sequence[object] = (), label: str | None = None) -> None:
        offset = out.byte(section_id)
        size_offset = out.u32(body.pos)
        body_offset = out.raw(bytes(body.out))
        for entry in entries:
            _shift(entry, body_offset)
        layout.sections.append(SectionLayout(section_id, offset, size_offset, body_offset, out.pos, label))

    def customs_after(rank: int) -> None:
        for custom in module.customs:
            if custom.after == rank:
                body = Writer(rng, variation)
                section_name = custom_name(custom)
                body.name(section_name)
                write_custom(body, custom)
                frame(CUSTOM, body, label=section_name if isinstance(section_name, str) else None)

    def known(section_id: int) -> None:
        w = Writer(rng, variation)
        entries: list[object] = []
        if section_id == TYPE:
            if not module.types:
                return
            groups = [_group(t) for t in module.types]
            w.vec(groups, lambda g: write_recgroup(w, g))  # type: ignore[arg-type]
        elif section_id == IMPORT:
            if not module.imports:
                return
            w.u32(len(module.imports))
            for imp in module.imports:
                start, module_bytes = w.name(imp.module)
                name_offset, name_bytes = w.name(imp.name)
                kind_offset = w.byte(KIND_BYTES[imp.kind])
                if isinstance(imp.desc, int):
                    if imp.kind == "tag":
                        w.byte(0)
                    w.u32(imp.desc)
                elif isinstance(imp.desc, TableType):
                    write_tabletype(w, imp.desc)
                elif isinstance(imp.desc, MemoryType):
                    write_memtype(w, imp.desc)
                else:
                    write_globaltype(w, imp.desc)
                entry = ImportLayout(start, name_offset, module_bytes, name_bytes, kind_offset, w.pos)
                entries.append(entry)
                layout.imports.append(entry)
        elif section_id == FUNCTION:
            if not module.functions:
                return
            w.vec(module.functions, lambda i: w.u32(int(i)))  # type: ignore[call-overload]
        elif section_id == TABLE:
            if not module.tables:
                return
            w.u32(len(module.tables))
            for t in module.tables:
                if t.init is not None:
                    w.byte(0x40, 0x00)
                write_tabletype(w, t.type)
                if t.init is not None:
                    write_expr(w, t.init)
        elif section_id == MEMORY:
            if not module.memories:
                return
            w.vec(module.memories, lambda m: write_memtype(w, m))  # type: ignore[arg-type]
        elif section_id == TAG:
            if not module.tags:
                return
            w.u32(len(module.tags))
            for index in module.tags:
                w.byte(0)
                w.u32(index)
        elif section_id == GLOBAL:
            if not module.globals:
                return
            w.u32(len(module.globals))
            for g in module.globals:
                write_globaltype(w, g.type)
                write_expr(w, g.init)
        elif section_id == EXPORT:
            if not module.exports:
                return
            w.u32(len(module.exports))
            for e in module.exports:
                start, name_bytes = w.name(e.name)
                kind_offset = w.byte(KIND_BYTES[e.kind])
                index_offset = w.u32(e.index)
                entry = ExportLayout(start, name_bytes, kind_offset, index_offset, w.pos)
                entries.append(entry)
                layout.exports.append(entry)
        elif section_id == START:
            if module.start is None:
                return
            w.u32(module.start)
        elif section_id == ELEMENT:
            return
        elif section_id == DATA_COUNT:
            if not module.data_count:
                return
            w.u32(len(module.data))
        elif section_id == CODE:
            if not module.functions:
                return
            w.u32(len(module.functions))
            for _ in module.functions:
                w.u32(3)
                w.byte(0x00, 0x00, 0x0B)  # no locals; unreachable; end
        elif section_id == DATA:
            if not module.data:
                return
            w.u32(len(module.data))
            for segment in module.data:
                w.u32(1)  # passive
                w.u32(len(segment))
                w.raw(segment)
        frame(section_id, w, entries)

    customs_after(0)
    for section_id in SECTION_ORDER:
        known(section_id)
        customs_after(section_id)
    return Encoded(bytes(out.out), layout)
