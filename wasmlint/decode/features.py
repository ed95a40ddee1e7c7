"""Which WebAssembly features a module uses, and where each is first used, read from its bytes.

Some hosts refuse whole proposals (Soroban's wasmi turns floats, multi-value and reference types off, and cannot
do SIMD, threads or GC at all), so a module that uses one anywhere is refused at upload. The model does not say
what code does, so this reads the sections that can use a feature (types, imports, tables, memories, globals,
element and data segments, tags) and walks every function body and constant expression with the instruction
set's encoding (``instructions``). Features are named as wasmparser (and so wasm-tools, with dashes) and wasmi
name them: ``floats``, ``multi_value``, ``reference_types``, ``simd`` ...

It reads only when asked (a preset that refuses features), so other checks cost nothing more. An instruction or
encoding it does not know is reported as the feature ``unknown`` at its offset, never guessed past: a walker that
has lost its place cannot tell what follows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..escape import escape_text
from ..model import ArrayType, ContType, FuncType, GlobalType, Module, StructType, TableType, ValType
from ..record import Record
from .code_features import UNKNOWN, CodeWalker
from .reader import DecodeError, Reader
from .types import LIMITS_PAGE_SIZE, comptype, globaltype, memtype, tabletype, valtype

if TYPE_CHECKING:
    from .reader import Buffer


TYPE, IMPORT, FUNCTION, TABLE, MEMORY, GLOBAL, EXPORT, START, ELEMENT, CODE, DATA, DATA_COUNT, TAG = range(1, 14)

_GC_HEAP = ("any", "eq", "i31", "struct", "array", "none", "nofunc", "noextern")
_ELEMENT_EXPRESSIONS = 0x04  # element segment flag: items are expressions


class FeatureUse(Record):
    """The first use of one feature: ``where`` names the function, type, import ... and ``what`` the use.
    ``kind`` says what sort of use it is, for hosts that refuse a feature only in some uses: ``operator``, an opcode
    of the proposal in a function body (CosmWasm's Gatekeeper reads operators, not types); ``count``, a second
    table or memory (a number the validator compares, where a parser without the proposal reads them all); else
    ``""``, any other use (a type, an encoding, a section)."""

    feature: str
    where: str
    what: str
    offset: int
    kind: str = ""
    needs: tuple[str, ...] = ()
    """For ``constant_expressions``: the features its instruction uses (``f32.const``: floats), so that a host
    refusing one of them names that feature instead; the first use of each such set is kept."""


OPERATOR, COUNT = "operator", "count"
"""The kinds of use that a host may refuse or accept apart from the others (``FeatureUse.kind``)."""


GC_TYPES = "gc_types"
"""wasmparser's gate (``gc-types`` in wasm-tools) for every reference type but funcref and exnref: not a proposal,
so ``valtype_features`` leaves it out, but a host whose validator leaves it off (CosmWasm 3.0 enables reference
types without it) refuses ``externref``."""


def gc_typed(value: ValType) -> bool:
    """Whether ``value`` is a reference type that wasmparser's ``gc-types`` gates: one of an abstract heap type
    other than func and exn (``externref``, ``anyref``, ``nullfuncref`` ...); ``(ref N)`` of a type index is not."""
    if not value.startswith("("):
        return value.endswith("ref") and value not in ("funcref", "exnref")
    heap = value.removeprefix("(ref ").removeprefix("null ")[:-1]
    heap = heap.removeprefix("(shared ").removesuffix(")")
    return not heap.isdigit() and heap not in ("func", "exn")


def valtype_features(value: ValType) -> tuple[str, ...]:
    """The features a value type needs beyond the MVP's i32 and i64 (floats count as a feature). Every reference
    type needs reference types; those beyond funcref and externref need their own proposal too."""
    if value in ("i32", "i64"):
        return ()
    if value in ("f32", "f64"):
        return ("floats",)
    if value == "v128":
        return ("simd",)
    if value in ("funcref", "externref"):
        return ("reference_types",)
    if "(shared " in value:  # (ref null (shared any)): shared, and what the unshared type needs
        inner = value.replace("(shared ", "", 1).replace(")", "", 1)
        return ("shared_everything_threads", *valtype_features(inner))
    if "exn" in value:
        proposal = "exceptions"
    elif "cont" in value:
        proposal = "stack_switching"
    elif value in ("nullref", "nullfuncref", "nullexternref") or any(heap in value for heap in _GC_HEAP):
        proposal = "gc"
    else:  # (ref func), (ref extern), (ref null N), (ref N)
        proposal = "function_references"
    return (proposal, "reference_types")


def scan_features(
    data: Buffer,
    module: Module,
    operator_groups: Mapping[int, str] | None = None,
    constant_allowed: frozenset[str] | None = None,
) -> list[FeatureUse]:
    """The first use of each feature ``module`` (decoded from ``data``) uses, in file order: the first of each
    kind (``FeatureUse.kind``), so a host that refuses only some kinds of use finds its first refused one.
    ``unknown`` is where the scan could not go on (an instruction it does not know, or bytes it cannot read).
    For a host that refuses less than a feature, ``operator_groups`` (``opcodes.operator_groups``) names the
    instructions whose first use in a function body is noted under their group's name, and ``constant_allowed``
    the instructions a constant expression may hold: the first other one is ``constant_expressions``."""
    scan = _Scan(data, module)
    if operator_groups:
        scan.operator_groups = operator_groups
    scan.constant_allowed = constant_allowed
    for section in module.sections:
        r = Reader(data, section.offset + 1)
        size = r.u32()
        body = Reader(data, r.pos, r.pos + size)
        try:
            scan.section(section.id, body)
        except DecodeError as exc:
            scan.use(UNKNOWN, f"section {section.id}", f"bytes the scan cannot read ({exc.message})", exc.offset)
    return sorted(scan.first.values(), key=lambda use: use.offset)


class _Scan(CodeWalker):
    def __init__(self, data: Buffer, module: Module) -> None:
        self.data = data
        self.module = module
        self.first: dict[tuple[str, str, tuple[str, ...]], FeatureUse] = {}
        self.noted: list[str] = []
        self.imported_functions = len(module.imports_of("func"))
        self.imported_globals = len(module.imports_of("global"))
        self.tables = 0  # tables and memories so far, imported or defined
        self.memories = 0

    def use(
        self, feature: str, where: str, what: str, offset: int, kind: str = "", needs: tuple[str, ...] = ()
    ) -> None:
        if self.constant_allowed is not None:
            self.noted.append(feature)
        if (feature, kind, needs) not in self.first:
            self.first[feature, kind, needs] = FeatureUse(feature, where, what, offset, kind, needs)

    def value(self, value: ValType, where: str, what: str, offset: int) -> None:
        for feature in valtype_features(value):
            self.use(feature, where, f"{what} {value}", offset)
        if gc_typed(value):
            self.use(GC_TYPES, where, f"{what} {value}", offset)

    def _imports(self, r: Reader) -> None:
        for _ in range(r.u32()):
            offset = r.pos
            module = r.name()
            name = r.name()
            if name == "" and r.peek() in (0x7F, 0x7E):  # compact imports: one module name for many
                self.use("compact_imports", f"import {escape_text(module)}", "the compact import encoding", offset)
                if r.u8() == 0x7F:
                    for _ in range(r.u32()):
                        item = r.pos
                        self._extern(r, f"import {escape_text(module)}.{escape_text(r.name())}", item)
                else:
                    self._extern(r, f"import {escape_text(module)}", offset)
                    for _ in range(r.u32()):
                        r.name()
                continue
            self._extern(r, f"import {escape_text(module)}.{escape_text(name)}", offset)

    def _extern(self, r: Reader, where: str, offset: int) -> None:
        kind = r.u8()
        if kind == 0x00:
            r.u32()
        elif kind == 0x01:
            self._table(tabletype(r), where, offset)
        elif kind == 0x02:
            self._memory(r, where, offset)
        elif kind == 0x03:
            self._global(globaltype(r), where, offset)
        elif kind == 0x04:
            self.use("exceptions", where, "a tag", offset)
            r.u8()
            r.u32()
        else:
            self.use(UNKNOWN, where, f"import kind 0x{kind:02x}, not known to this scan", offset)
            raise DecodeError(offset, f"import kind 0x{kind:02x}")

    def section(self, section_id: int, r: Reader) -> None:
        handler = _SECTIONS.get(section_id)
        if handler is not None:
            handler(self, r)

    def _types(self, r: Reader) -> None:
        index = 0
        for _ in range(r.u32()):
            group = 1
            if r.peek() == 0x4E:  # rec
                self.use("gc", f"type {index}", "a recursion group", r.pos)
                r.u8()
                group = r.u32()
            for _ in range(group):
                self._subtype(r, index)
                index += 1

    def _subtype(self, r: Reader, index: int) -> None:
        start = r.pos
        where = f"type {index}"
        if r.peek() in (0x50, 0x4F):  # sub, sub final
            r.u8()
            self.use("gc", where, "a subtype declaration", start)
            for _ in range(r.u32()):
                r.u32()
        if r.peek() == 0x65:  # shared
            self.use("shared_everything_threads", where, "a shared type", start)
        if r.peek() in (0x4D, 0x4C):  # descriptor, describes
            self.use(UNKNOWN, where, "a custom descriptor (not known to this scan)", start)
            raise DecodeError(start, "custom descriptors are not read")
        composite = comptype(r)
        if isinstance(composite, FuncType):
            self._functype(composite, where, start)
        elif isinstance(composite, (StructType, ArrayType)):
            self.use("gc", where, f"a {type(composite).__name__.removesuffix('Type').lower()} type", start)
            fields = composite.fields if isinstance(composite, StructType) else (composite.element,)
            for item in fields:
                self.value(item.storage, where, "a field of type", start)
        elif isinstance(composite, ContType):
            self.use("stack_switching", where, "a continuation type", start)

    def _functype(self, func: FuncType, where: str, offset: int) -> None:
        for value in func.params:
            self.value(value, where, "a parameter of type", offset)
        for value in func.results:
            self.value(value, where, "a result of type", offset)
        if len(func.results) > 1:
            self.use("multi_value", where, f"{len(func.results)} results", offset)

    def _table(self, table: TableType, where: str, offset: int) -> None:
        if table.element != "funcref":
            self.value(table.element, where, "elements of type", offset)
        if table.index == "i64":
            self.use("memory64", where, "a 64-bit table", offset)
        if table.shared:
            self.use("shared_everything_threads", where, "a shared table", offset)
        self.tables += 1
        if self.tables > 1:
            self.use("reference_types", where, "a second table", offset, COUNT)

    def _memory(self, r: Reader, where: str, offset: int) -> None:
        if r.peek() & LIMITS_PAGE_SIZE:
            self.use("custom_page_sizes", where, "a custom page size", offset)
        memory = memtype(r)
        if memory.index == "i64":
            self.use("memory64", where, "a 64-bit memory", offset)
        if memory.shared:
            self.use("threads", where, "a shared memory", offset)
        self.memories += 1
        if self.memories > 1:
            self.use("multi_memory", where, "a second memory", offset, COUNT)

    def _global(self, global_type: GlobalType, where: str, offset: int) -> None:
        self.value(global_type.value, where, "a global of type", offset)
        if global_type.shared:
            self.use("shared_everything_threads", where, "a shared global", offset)

    def _table_section(self, r: Reader) -> None:
        imported = len(self.module.imports_of("table"))
        for index in range(imported, imported + r.u32()):
            start = r.pos
            where = f"table {index}"
            initialised = r.peek() == 0x40
            if initialised:
                r.u8()
                r.u8()
                self.use("function_references", where, "a table initialiser", start)
            self._table(tabletype(r), where, start)
            if initialised:
                self.expression(r, where, constant=True)

    def _memory_section(self, r: Reader) -> None:
        imported = len(self.module.imports_of("memory"))
        for index in range(imported, imported + r.u32()):
            self._memory(r, f"memory {index}", r.pos)

    def _global_section(self, r: Reader) -> None:
        for index in range(self.imported_globals, self.imported_globals + r.u32()):
            start = r.pos
            where = f"global {index}"
            self._global(globaltype(r), where, start)
            self.expression(r, where, constant=True)

    def _elements(self, r: Reader) -> None:
        for index in range(r.u32()):
            start = r.pos
            where = f"element segment {index}"
            flags = r.u32()
            if flags > 7:
                raise DecodeError(start, f"malformed element segment flags {flags}")
            if flags & 0x01:  # passive or declarative: wasmparser wants bulk memory for both
                kind = "declarative" if flags & 0x02 else "passive"
                self.use("bulk_memory", where, f"a {kind} element segment", start)
            if flags & 0x03 == 0x02 and r.u32() != 0:  # active, with a table index
                self.use("reference_types", where, "a table index other than 0", start)
            if not flags & 0x01:  # active: an offset
                self.expression(r, where, constant=True)
            if flags & _ELEMENT_EXPRESSIONS:
                self.use("reference_types", where, "element expressions", start)
                if flags & 0x03:
                    self.value(valtype(r), where, "elements of type", start)
                for _ in range(r.u32()):
                    self.expression(r, where, constant=True)
            else:
                if flags & 0x03:
                    r.u8()  # elemkind
                for _ in range(r.u32()):
                    r.u32()

    def _data(self, r: Reader) -> None:
        for index in range(r.u32()):
            start = r.pos
            where = f"data segment {index}"
            flags = r.u32()
            if flags == 1:
                self.use("bulk_memory", where, "a passive data segment", start)
            elif flags in (0, 2):
                if flags == 2 and r.u32() != 0:
                    self.use("multi_memory", where, "a memory index other than 0", start)
                self.expression(r, where, constant=True)
            else:
                raise DecodeError(start, f"malformed data segment flags {flags}")
            r.skip(r.u32())

    def _data_count(self, r: Reader) -> None:
        self.use("bulk_memory", "the data count section", "a data count", r.pos)

    def _tags(self, r: Reader) -> None:
        self.use("exceptions", "the tag section", "a tag", r.pos)

    def _code(self, r: Reader) -> None:
        for local in range(r.u32()):
            length = r.u32()
            body = Reader(r.data, r.pos, r.pos + length)
            r.skip(length)
            where = f"function {self.imported_functions + local}"
            try:
                for _ in range(body.u32()):
                    start = body.pos
                    body.u32()
                    self.value(valtype(body), where, "a local of type", start)
                self.expression(body, where, constant=False)
            except DecodeError as exc:
                self.use(UNKNOWN, where, f"bytes the scan cannot read ({exc.message})", exc.offset)


_SECTIONS = {
    TYPE: _Scan._types,
    IMPORT: _Scan._imports,
    TABLE: _Scan._table_section,
    MEMORY: _Scan._memory_section,
    GLOBAL: _Scan._global_section,
    ELEMENT: _Scan._elements,
    CODE: _Scan._code,
    DATA: _Scan._data,
    DATA_COUNT: _Scan._data_count,
    TAG: _Scan._tags,
}
