"""Decode a WebAssembly binary into the module model, reading only what a listing of imports and exports needs.

The module is walked section by section: `(id, offset, size)` framing is checked for every section, the sections
that define imports, exports and their types are decoded, and the code, data and element sections are passed by
with only their counts read. A file is mapped, not read, so the cost does not grow with the size of its code.
"""

from __future__ import annotations

import mmap
import os
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, overload

from ..model import (
    MARKER_SECTIONS,
    CompositeType,
    CustomPayload,
    DecodeWarning,
    Export,
    ExternKind,
    ExternType,
    FuncType,
    GlobalType,
    Import,
    MemoryType,
    Module,
    Section,
    TableType,
    TagType,
)
from ..record import Record
from . import custom
from .constexpr import common_matcher, simple_end, skip_constant_expression
from .reader import END_OF_SECTION, DecodeError, Reader
from .types import NUMERIC_TYPES, function_type_at, globaltype, memtype, tabletype, tagtype, type_section

if TYPE_CHECKING:
    from .reader import Buffer

MAGIC = b"\x00asm"
CORE_VERSION = b"\x01\x00\x00\x00"
COMPONENT_LAYER = b"\x01\x00"
COMPONENT_VERSIONS = range(0x0A, 0x10)  # the component model's pre-1.0 binary versions

CUSTOM, TYPE, IMPORT, FUNCTION, TABLE, MEMORY, GLOBAL, EXPORT, START, ELEMENT, CODE, DATA, DATA_COUNT, TAG = range(14)

# Where each known section may appear; sections must come in increasing rank, each at most once.
SECTION_RANK = {
    TYPE: 1,
    IMPORT: 2,
    FUNCTION: 3,
    TABLE: 4,
    MEMORY: 5,
    TAG: 6,
    GLOBAL: 7,
    EXPORT: 8,
    START: 9,
    ELEMENT: 10,
    DATA_COUNT: 11,
    CODE: 12,
    DATA: 13,
}

EXTERN_KINDS: tuple[ExternKind, ...] = ("func", "table", "memory", "global", "tag")

COMPACT_IMPORTS_SAME_MODULE = 0x7F
COMPACT_IMPORTS_SAME_TYPE = 0x7E
TABLE_WITH_INIT = 0x40
CUSTOM_SECTIONS_READ = frozenset({"name", "producers", "target_features"})


READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0)  # O_BINARY: Windows only

READ_WHOLE_LIMIT = 64 * 1024
"""Files up to this size are read rather than mapped: a map costs more than the read of a small file."""


def decode_path(path: str | os.PathLike[str], *, function_names: bool = False) -> Module:
    """Decode the file at ``path``. A file of up to 64 KiB is read in one call; a larger one is memory-mapped, so
    that only the sections that are decoded are paged in and the cost does not grow with the size of its code.

    ``OSError`` is left to the caller; every fault in the contents is a :class:`DecodeError`.
    """
    fd = os.open(path, READ_FLAGS)
    try:
        size = os.fstat(fd).st_size
        if size <= READ_WHOLE_LIMIT:
            return decode_bytes(_read_all(fd, size), function_names=function_names)
        with mmap.mmap(fd, 0, access=mmap.ACCESS_READ) as data:
            return decode_bytes(data, function_names=function_names)
    finally:
        os.close(fd)


def _read_all(fd: int, size: int) -> bytes:
    data = os.read(fd, size)
    if len(data) < size:  # a short read: keep reading to the end
        chunks = [data]
        while chunk := os.read(fd, size):
            chunks.append(chunk)
        data = b"".join(chunks)
    return data


def decode_bytes(data: Buffer, *, function_names: bool = False) -> Module:
    """Decode a module from ``bytes``, ``bytearray``, ``memoryview`` or ``mmap``.

    Raises :class:`DecodeError` (offset and message) for every malformed input, and nothing else. A component is
    recognised and returned as ``Module(kind="component")`` with nothing listed. Function names from the ``name``
    section are read only when ``function_names`` is true: they can be most of a large module's custom data.
    """
    return _ModuleDecoder(data, function_names).decode()


class _FunctionSection(Record, frozen=False):
    """Type indices of the module's own functions, decoded only as far as exports need them."""

    data: Buffer
    start: int
    end: int
    count: int
    single_byte: bool
    decoded: list[int] | None = None

    def type_index(self, local: int) -> int:
        if self.single_byte:
            return self.data[self.start + local]
        if self.decoded is None:
            # The section was checked as it was read: every index is a well-formed LEB128 u32.
            self.decoded = [
                token[0] if len(token) == 1 else _leb_value(token)
                for token in re.compile(_LEB_TOKEN).findall(self.data, self.start, self.end)
            ]
        return self.decoded[local]

    def all_type_indices(self) -> Sequence[int]:
        """Every type index, for the model: a copy of the section's bytes, decoded only if a rule reads them (most
        runs never do, and a copy costs a large module next to nothing)."""
        raw = bytes(self.data[self.start : self.end])
        return raw if self.single_byte else _TypeIndices(_FunctionSection(raw, 0, len(raw), self.count, False))


class _TypeIndices(Sequence[int]):
    """The type indices of a function section whose indices are not all one byte, decoded on first use."""

    __slots__ = ("_section",)

    def __init__(self, section: _FunctionSection) -> None:
        self._section = section

    def __len__(self) -> int:
        return self._section.count

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[int]: ...
    def __getitem__(self, index: int | slice) -> int | Sequence[int]:
        return self._decoded()[index]

    def __iter__(self) -> Iterator[int]:
        return iter(self._decoded())

    def _decoded(self) -> list[int]:
        section = self._section
        if section.decoded is None and section.count:
            section.type_index(0)  # decodes them all
        return section.decoded or []


# Compiled where used (by re's cache): compiling at import would cost every run's start-up.
_LEB_TOKEN = rb"[\x80-\xff]*[\x00-\x7f]"
_HIGH_BYTES = bytes(range(0x80, 0x100))
_FIVE_BYTES = rb"[\x80-\xff]{4}"


def _leb_value(token: bytes) -> int:
    value = 0
    for shift, byte in enumerate(token):
        value |= (byte & 0x7F) << (7 * shift)
    return value


def _short_lebs(chunk: bytes, count: int) -> bool:
    """Whether ``chunk`` is exactly ``count`` LEB128 numbers of at most four bytes each (none can be too large):
    as many bytes without a continuation bit as numbers, the last byte one of them, and no four continuations in a
    row. Then a function section is checked without reading its entries one by one."""
    return (
        bool(chunk)
        and chunk[-1] < 0x80
        and len(chunk.translate(None, _HIGH_BYTES)) == count
        and re.search(_FIVE_BYTES, chunk) is None
    )


class _ModuleDecoder:
    """The decoding of one module: what the sections read so far have declared."""

    __slots__ = (
        "code_count",
        "code_offset",
        "custom_payloads",
        "data",
        "data_count",
        "data_offset",
        "data_section_count",
        "exports",
        "function_name_map",
        "functions",
        "globals",
        "imported",
        "imports",
        "memories",
        "module_name",
        "pending_exports",
        "producers",
        "sections",
        "start",
        "tables",
        "tags",
        "target_features",
        "types",
        "want_function_names",
        "warnings",
    )

    def __init__(self, data: Buffer, want_function_names: bool) -> None:
        self.data = data
        self.want_function_names = want_function_names
        self.types: list[CompositeType] = []
        self.imports: list[Import] = []
        self.exports: list[Export] = []
        self.functions: _FunctionSection | None = None
        self.tables: list[TableType] = []
        self.memories: list[MemoryType] = []
        self.globals: list[GlobalType] = []
        self.tags: list[TagType] = []
        self.imported: dict[str, list[ExternType]] = {kind: [] for kind in EXTERN_KINDS}
        self.start: int | None = None
        self.code_count: int | None = None
        self.code_offset = 0
        self.data_count: int | None = None
        self.data_section_count: int | None = None
        self.data_offset = 0
        self.sections: list[Section] = []
        self.warnings: list[DecodeWarning] = []
        self.module_name: str | None = None
        self.function_name_map: dict[int, str] = {}
        self.producers: dict[str, tuple[tuple[str, str], ...]] = {}
        self.target_features: tuple[tuple[str, str], ...] = ()
        self.pending_exports: list[tuple[str, ExternKind, int, int]] = []
        self.custom_payloads: list[CustomPayload] = []

    def decode(self) -> Module:
        r = Reader(self.data)
        if r.remaining < 4:
            r.pos = r.end
            raise r.fail("unexpected end")
        if r.bytes(4) != MAGIC:
            raise DecodeError(0, "magic header not detected")
        if r.remaining < 4:
            r.pos = r.end
            raise r.fail("unexpected end")
        version = r.bytes(4)
        if version[2:] == COMPONENT_LAYER and version[1] == 0 and version[0] in COMPONENT_VERSIONS:
            return Module(kind="component")
        if version != CORE_VERSION:
            raise DecodeError(4, "unknown binary version")
        self.sections_loop(r)
        self.check_counts()
        return Module(  # every field, by position (keywords cost a pass over the fields per module)
            "module",
            tuple(self.types),
            tuple(self.imports),
            tuple(self.resolve_exports()),
            self.start,
            self.module_name,
            self.function_name_map,
            self.producers,
            self.target_features,
            tuple(self.sections),
            tuple(self.warnings),
            tuple(self.memories),
            tuple(self.custom_payloads),
            tuple(self.tables),
            self.functions.all_type_indices() if self.functions is not None else (),
        )

    def sections_loop(self, r: Reader) -> None:
        data, end, sections = self.data, r.end, self.sections
        last_rank = 0
        while r.pos < end:
            offset = r.pos
            section_id = data[offset]
            r.pos = size_offset = offset + 1
            size = r.u32()
            if size > end - r.pos:
                raise DecodeError(size_offset, "length out of bounds")
            section_end = r.pos + size
            if section_id == CUSTOM:
                self.custom_section(Reader(data, r.pos, section_end, END_OF_SECTION), offset, size)
                r.pos = section_end
                continue
            # Like the spec's reference decoder, a section's contents are read from the stream and their size is
            # checked afterwards, so that an overrun reports the fault found in the bytes that follow.
            body = Reader(data, r.pos, end, END_OF_SECTION)
            r.pos = section_end
            rank = SECTION_RANK.get(section_id)
            if rank is None:
                raise DecodeError(offset, "malformed section id")
            if rank <= last_rank:
                raise DecodeError(offset, "unexpected content after last section")
            last_rank = rank
            sections.append(Section(section_id, offset, size, None))
            self.known_section(section_id, body, section_end)
            if body.pos != section_end:
                raise DecodeError(min(body.pos, section_end), "section size mismatch")

    def known_section(self, section_id: int, r: Reader, end: int) -> None:
        if section_id == TYPE:
            self.types = type_section(r)
        elif section_id == IMPORT:
            self.import_section(r)
        elif section_id == FUNCTION:
            self.function_section(r, end)
        elif section_id == TABLE:
            r.end = end  # a constant expression that runs off its section ends there
            self.tables = r.vec(lambda: table(r))
        elif section_id == MEMORY:
            self.memories = r.vec(lambda: memtype(r))
        elif section_id == TAG:
            self.tags = r.vec(lambda: tagtype(r, self.types))
        elif section_id == GLOBAL:
            r.end = end
            self.globals = global_section(r)
        elif section_id == EXPORT:
            self.export_section(r)
        elif section_id == START:
            self.start = r.u32()
        elif section_id == DATA_COUNT:
            self.data_count = r.u32()
        else:  # element, code and data: only the count is read, the contents are passed by
            count_offset = r.pos
            count = r.count()
            if section_id == CODE:
                self.code_offset, self.code_count = count_offset, count
            elif section_id == DATA:
                self.data_offset, self.data_section_count = count_offset, count
            r.pos = end

    def import_section(self, r: Reader) -> None:
        data, types, imported_functions = self.data, self.types, self.imported["func"]
        for _ in range(r.count()):
            offset = r.pos
            module = r.name()
            name = r.name()
            pos = r.pos
            # Most imports are functions whose type index takes one byte: read in place.
            if pos + 1 < r.end and data[pos] == 0x00 and data[pos + 1] < len(types) and data[pos + 1] < 0x80:
                func = types[data[pos + 1]]
                if type(func) is FuncType:
                    r.pos = pos + 2
                    self.imports.append(Import(module, name, "func", func, offset))
                    imported_functions.append(func)
                    continue
            if pos < r.end and data[pos] == 0x03:  # a global (WasmGC modules import thousands)
                r.pos = pos + 1
                self.add_import(Import(module, name, "global", globaltype(r), offset))
                continue
            if name == "" and r.peek() in (COMPACT_IMPORTS_SAME_MODULE, COMPACT_IMPORTS_SAME_TYPE):
                self.compact_imports(r, module, offset)
                continue
            kind, extern = self.externtype(r)
            self.add_import(Import(module, name, kind, extern, offset))

    def compact_imports(self, r: Reader, module: str, offset: int) -> None:
        """The compact import encoding (compact-imports proposal): one module name for many imports."""
        if r.u8() == COMPACT_IMPORTS_SAME_MODULE:
            for _ in range(r.count()):
                item_offset = r.pos
                name = r.name()
                kind, extern = self.externtype(r)
                self.add_import(Import(module, name, kind, extern, item_offset))
        else:
            kind, extern = self.externtype(r)
            for _ in range(r.count()):
                item_offset = r.pos
                self.add_import(Import(module, r.name(), kind, extern, item_offset))

    def add_import(self, imp: Import) -> None:
        self.imports.append(imp)
        self.imported[imp.kind].append(imp.type)

    def externtype(self, r: Reader) -> tuple[ExternKind, ExternType]:
        start = r.pos
        kind = r.u8()
        if kind == 0x00:
            return "func", function_type_at(r, self.types)
        if kind == 0x01:
            return "table", tabletype(r)
        if kind == 0x02:
            return "memory", memtype(r)
        if kind == 0x03:
            return "global", globaltype(r)
        if kind == 0x04:
            return "tag", tagtype(r, self.types)
        if kind == 0x20:
            raise DecodeError(start, "exact function imports (custom-descriptors proposal) are not supported")
        raise DecodeError(start, "malformed import kind")

    def function_section(self, r: Reader, end: int) -> None:
        count = r.count()
        start = r.pos
        chunk = bytes(self.data[start:end])
        wide = not chunk.isascii()  # a byte >= 0x80 continues a LEB128
        if (not wide and end - start == count) or (wide and _short_lebs(chunk, count)):
            r.pos = end
        else:
            for _ in range(count):
                r.u32()
        self.functions = _FunctionSection(self.data, start, r.pos, count, not wide, None)

    def export_section(self, r: Reader) -> None:
        data, pending = self.data, self.pending_exports
        for _ in range(r.count()):
            offset = r.pos
            name = r.name()
            pos = r.pos
            if pos + 1 < r.end and data[pos] < len(EXTERN_KINDS) and data[pos + 1] < 0x80:  # a one-byte index
                r.pos = pos + 2
                pending.append((name, EXTERN_KINDS[data[pos]], data[pos + 1], offset))
                continue
            kind_offset = r.pos
            kind_byte = r.u8()
            if kind_byte >= len(EXTERN_KINDS):
                raise DecodeError(kind_offset, "malformed export kind")
            self.pending_exports.append((name, EXTERN_KINDS[kind_byte], r.u32(), offset))

    def resolve_exports(self) -> list[Export]:
        """Exports name an index in an index space (imports first); resolve each to its type."""
        exports = []
        imported_functions = len(self.imported["func"])
        functions, types = self.functions, self.types
        for name, kind, index, offset in self.pending_exports:
            # Most exports are functions of the module's own: their type looked up in place.
            local = index - imported_functions
            if kind == "func" and functions is not None and 0 <= local < functions.count:
                type_index = functions.type_index(local)
                found = types[type_index] if type_index < len(types) else None
                if type(found) is FuncType:
                    exports.append(Export(name, kind, index, found, offset))
                    continue
            exports.append(Export(name, kind, index, self.indexed_type(kind, index, offset), offset))
        return exports

    def indexed_type(self, kind: ExternKind, index: int, offset: int) -> ExternType:
        imported = self.imported[kind]
        if index < len(imported):
            return imported[index]
        local = index - len(imported)
        if kind == "func":
            functions = self.functions
            if functions is None or local >= functions.count:
                raise DecodeError(offset, f"unknown function {index}")
            type_index = functions.type_index(local)
            if type_index >= len(self.types) or not isinstance(self.types[type_index], FuncType):
                raise DecodeError(offset, f"unknown type {type_index}")
            found = self.types[type_index]
            assert isinstance(found, FuncType)
            return found
        defined: dict[str, list[TableType] | list[MemoryType] | list[GlobalType] | list[TagType]] = {
            "table": self.tables,
            "memory": self.memories,
            "global": self.globals,
            "tag": self.tags,
        }
        own = defined[kind]
        if local >= len(own):
            raise DecodeError(offset, f"unknown {kind} {index}")
        return own[local]

    def check_counts(self) -> None:
        function_count = self.functions.count if self.functions else 0
        if function_count != (self.code_count or 0):
            offset = self.code_offset if self.code_count is not None else self.section_offset(FUNCTION)
            raise DecodeError(offset, "function and code section have inconsistent lengths")
        if self.data_count is not None and self.data_count != (self.data_section_count or 0):
            offset = self.data_offset if self.data_section_count is not None else self.section_offset(DATA_COUNT)
            raise DecodeError(offset, "data count and data section have inconsistent lengths")

    def section_offset(self, section_id: int) -> int:
        return next(section.offset for section in self.sections if section.id == section_id)

    def custom_section(self, r: Reader, offset: int, size: int) -> None:
        name = r.name()
        self.sections.append(Section(CUSTOM, offset, size, name))
        if name not in CUSTOM_SECTIONS_READ:
            if name in MARKER_SECTIONS:
                self.custom_payloads.append(CustomPayload(name, r.pos, bytes(self.data[r.pos : r.end])))
            return
        try:
            if name == "name":
                self.name_section(r.pos, r.end)
            elif name == "producers":
                self.producers = custom.producers(self.data, r.pos, r.end)
            else:
                self.target_features = custom.target_features(self.data, r.pos, r.end)
        except DecodeError as exc:
            self.warnings.append(DecodeWarning(exc.offset, f"malformed {name!r} custom section: {exc.message}"))

    def name_section(self, start: int, end: int) -> None:
        self.module_name = custom.module_name(self.data, start, end)
        if self.want_function_names:
            self.function_name_map = custom.function_names(self.data, start, end)


def table(r: Reader) -> TableType:
    if r.peek() == TABLE_WITH_INIT:
        start = r.pos
        r.pos += 1
        if r.u8() != 0:
            raise DecodeError(start, "malformed table")
        found = tabletype(r)
        skip_constant_expression(r)
        return found
    return tabletype(r)


def global_section(r: Reader) -> list[GlobalType]:
    globals_: list[GlobalType] = []
    data, end = r.data, r.end
    match = None
    for _ in range(r.count()):
        pos = r.pos
        if pos + 1 < end and data[pos] in NUMERIC_TYPES and data[pos + 1] <= 1:  # a numeric type, const or var
            r.pos = pos + 2
            globals_.append(NUMERIC_GLOBAL_TYPES[data[pos], data[pos + 1]])
        else:
            globals_.append(globaltype(r))
        after = simple_end(data, r.pos, end)  # the initialiser: most often one short instruction
        if after >= 0:
            r.pos = after
            continue
        match = match or common_matcher()
        found = match(data, r.pos, end)  # else, most often, in one call (see constexpr)
        if found is not None:
            r.pos = found.end()
        else:
            skip_constant_expression(r)
    return globals_


# Global types are values: the numeric ones are built once.
NUMERIC_GLOBAL_TYPES = {
    (code, mutable): GlobalType(value, bool(mutable)) for code, value in NUMERIC_TYPES.items() for mutable in (0, 1)
}
