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

from typing import TYPE_CHECKING

from ..escape import escape_text
from ..model import ArrayType, ContType, FuncType, GlobalType, Module, StructType, TableType, ValType
from ..record import Record
from .instructions import (
    DIRECT_CALLS,
    FB_IMMEDIATES,
    FC_U32S,
    FD_LANE,
    FD_LAST,
    FD_MEMARG,
    FD_MEMARG_LANE,
    FE_FENCE,
    ONE_U32,
    fe_has_memarg,
)
from .reader import DecodeError, Reader
from .types import LIMITS_PAGE_SIZE, comptype, globaltype, heaptype, memtype, tabletype, valtype

if TYPE_CHECKING:
    from .reader import Buffer

UNKNOWN = "unknown"
"""The feature reported for what the scan cannot read: the module may use any feature after it."""

TYPE, IMPORT, FUNCTION, TABLE, MEMORY, GLOBAL, EXPORT, START, ELEMENT, CODE, DATA, DATA_COUNT, TAG = range(1, 14)

FLOAT_OPCODES = frozenset(
    {0x2A, 0x2B, 0x38, 0x39, 0x43, 0x44, *range(0x5B, 0x67), *range(0x8B, 0xA7), *range(0xA8, 0xAC)}
    | {*range(0xAE, 0xC0)}
)
"""Float loads, stores, constants, comparisons, arithmetic and every conversion from or to a float."""

# Core opcodes that belong to one proposal, beyond the MVP.
_OPCODE_FEATURES: dict[int, tuple[str, ...]] = {
    **dict.fromkeys(FLOAT_OPCODES, ("floats",)),
    **dict.fromkeys(range(0xC0, 0xC5), ("sign_extension",)),
    **dict.fromkeys((0x06, 0x07, 0x09, 0x18, 0x19), ("legacy_exceptions",)),  # try, catch, rethrow, delegate ...
    **dict.fromkeys((0x08, 0x0A, 0x1F), ("exceptions",)),  # throw, throw_ref, try_table
    0x12: ("tail_call",),  # return_call
    0x13: ("tail_call",),  # return_call_indirect
    0x14: ("function_references",),  # call_ref
    0x15: ("function_references", "tail_call"),  # return_call_ref
    0x1C: ("reference_types",),  # select with types
    0x25: ("reference_types",),  # table.get
    0x26: ("reference_types",),  # table.set
    0xD0: ("reference_types",),  # ref.null
    0xD1: ("reference_types",),  # ref.is_null
    0xD2: ("reference_types",),  # ref.func
    0xD3: ("gc",),  # ref.eq
    **dict.fromkeys((0xD4, 0xD5, 0xD6), ("function_references",)),  # ref.as_non_null, br_on_null, br_on_non_null
}
_FC_FEATURES: dict[int, tuple[str, ...]] = {
    **dict.fromkeys(range(8), ("saturating_float_to_int", "floats")),  # they convert from a float
    **dict.fromkeys(range(8, 15), ("bulk_memory",)),  # memory.init ... table.copy
    **dict.fromkeys(range(15, 18), ("reference_types",)),  # table.grow, table.size, table.fill
    **dict.fromkeys(range(19, 23), ("wide_arithmetic",)),  # i64.add128, i64.sub128, i64.mul_wide_s/u
}
_FC_MEMORY_INDICES = {8: (1,), 10: (0, 1), 11: (0,)}  # which u32 immediates name a memory
_FC_TABLE_INDICES = {12: (1,), 14: (0, 1)}  # and which a table
_CONST_ARITHMETIC = frozenset({0x6A, 0x6B, 0x6C, 0x7C, 0x7D, 0x7E})  # i32/i64 add, sub, mul
_GC_HEAP = ("any", "eq", "i31", "struct", "array", "none", "nofunc", "noextern")
_ONE_INDEX = ONE_U32 | DIRECT_CALLS | {0x14, 0x15}  # and call_ref, return_call_ref (memory.size/grow are read first)
"""Opcodes with one u32 immediate: branches, calls, locals, globals, tables, functions, tags."""
_ELEMENT_EXPRESSIONS = 0x04  # element segment flag: items are expressions


class FeatureUse(Record):
    """The first use of one feature: ``where`` names the function, type, import ... and ``what`` the use."""

    feature: str
    where: str
    what: str
    offset: int


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


def scan_features(data: Buffer, module: Module) -> list[FeatureUse]:
    """The first use of each feature ``module`` (decoded from ``data``) uses, in file order. ``unknown`` is where
    the scan could not go on (an instruction it does not know, or bytes it cannot read)."""
    scan = _Scan(data, module)
    for section in module.sections:
        r = Reader(data, section.offset + 1)
        size = r.u32()
        body = Reader(data, r.pos, r.pos + size)
        try:
            scan.section(section.id, body)
        except DecodeError as exc:
            scan.use(UNKNOWN, f"section {section.id}", f"bytes the scan cannot read ({exc.message})", exc.offset)
    return sorted(scan.first.values(), key=lambda use: use.offset)


class _Scan:
    def __init__(self, data: Buffer, module: Module) -> None:
        self.data = data
        self.module = module
        self.first: dict[str, FeatureUse] = {}
        self.imported_functions = len(module.imports_of("func"))
        self.imported_globals = len(module.imports_of("global"))
        self.tables = 0  # tables and memories so far, imported or defined
        self.memories = 0

    def use(self, feature: str, where: str, what: str, offset: int) -> None:
        if feature not in self.first:
            self.first[feature] = FeatureUse(feature, where, what, offset)

    def value(self, value: ValType, where: str, what: str, offset: int) -> None:
        for feature in valtype_features(value):
            self.use(feature, where, f"{what} {value}", offset)

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
            self.use("reference_types", where, "a second table", offset)

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
            self.use("multi_memory", where, "a second memory", offset)

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
                self._expression(r, where, constant=True)

    def _memory_section(self, r: Reader) -> None:
        imported = len(self.module.imports_of("memory"))
        for index in range(imported, imported + r.u32()):
            self._memory(r, f"memory {index}", r.pos)

    def _global_section(self, r: Reader) -> None:
        for index in range(self.imported_globals, self.imported_globals + r.u32()):
            start = r.pos
            where = f"global {index}"
            self._global(globaltype(r), where, start)
            self._expression(r, where, constant=True)

    def _elements(self, r: Reader) -> None:
        for index in range(r.u32()):
            start = r.pos
            where = f"element segment {index}"
            flags = r.u32()
            if flags > 7:
                raise DecodeError(start, f"malformed element segment flags {flags}")
            if flags & 0x03 == 0x02 and r.u32() != 0:  # active, with a table index
                self.use("reference_types", where, "a table index other than 0", start)
            if not flags & 0x01:  # active: an offset
                self._expression(r, where, constant=True)
            if flags & _ELEMENT_EXPRESSIONS:
                self.use("reference_types", where, "element expressions", start)
                if flags & 0x03:
                    self.value(valtype(r), where, "elements of type", start)
                for _ in range(r.u32()):
                    self._expression(r, where, constant=True)
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
                self._expression(r, where, constant=True)
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
                self._expression(body, where, constant=False)
            except DecodeError as exc:
                self.use(UNKNOWN, where, f"bytes the scan cannot read ({exc.message})", exc.offset)

    def _expression(self, r: Reader, where: str, *, constant: bool) -> None:
        """Walk a function body (to its end) or one constant expression (to its ``end``)."""
        while not r.at_end():
            start = r.pos
            opcode = r.u8()
            if opcode == 0x0B and constant:
                return
            for feature in _OPCODE_FEATURES.get(opcode, ()):
                self.use(feature, where, f"opcode 0x{opcode:02x}", start)
            if constant and opcode in _CONST_ARITHMETIC:
                self.use("extended_const", where, f"opcode 0x{opcode:02x} in a constant expression", start)
            if not self._immediates(r, opcode, where, start, constant):
                self.use(UNKNOWN, where, f"opcode 0x{opcode:02x}, not known to this scan", start)
                raise DecodeError(start, f"unknown opcode 0x{opcode:02x}")
        if constant:
            raise DecodeError(r.pos, "constant expression without end")

    def _immediates(self, r: Reader, opcode: int, where: str, start: int, constant: bool) -> bool:
        """Read the immediates of ``opcode`` and note the features they use; False for an unknown opcode."""
        if opcode in (0x00, 0x01, 0x05, 0x0A, 0x0B, 0x0F, 0x19, 0x1A, 0x1B, 0xD1, 0xD3, 0xD4) or 0x45 <= opcode <= 0xC4:
            return True
        if opcode in (0x02, 0x03, 0x04, 0x06, 0x1F):
            self._blocktype(r, where, start)
            if opcode == 0x1F:  # try_table's catch clauses
                for _ in range(r.u32()):
                    if r.u8() in (0, 1):
                        r.u32()
                    r.u32()
        elif opcode in (0x11, 0x13):  # call_indirect, return_call_indirect
            r.u32()
            first = r.peek()
            table = r.u32()
            if table != 0:
                self.use("reference_types", where, f"an indirect call through table {table}", start)
            elif first != 0:  # wasmparser reads the MVP's reserved byte: anything but 0x00 needs reference types
                self.use("reference_types", where, "an indirect call with table index 0 as an over-long LEB128", start)
        elif opcode == 0x23:  # global.get
            index = r.u32()
            if constant and index >= self.imported_globals:
                self.use("gc", where, f"global.get of a defined global ({index}) in a constant expression", start)
        elif opcode in (0x3F, 0x40):  # memory.size, memory.grow: the reserved byte, as for call_indirect
            first = r.peek()
            memory = r.u32()
            if memory != 0 or first != 0:
                what = f"memory {memory}" if memory else "memory index 0 as an over-long LEB128"
                self.use("multi_memory", where, what, start)
        elif opcode in _ONE_INDEX:
            r.u32()
        elif 0x28 <= opcode <= 0x3E:
            self._memarg(r, where, start)
        elif opcode == 0x0E:  # br_table
            for _ in range(r.u32() + 1):
                r.u32()
        elif opcode == 0x1C:  # select with types
            for _ in range(r.u32()):
                self.value(valtype(r), where, "a select of type", start)
        elif opcode == 0x41:
            r.s32()
        elif opcode == 0x42:
            r.s64()
        elif opcode == 0x43:
            r.skip(4)
        elif opcode == 0x44:
            r.skip(8)
        elif opcode == 0xD0:  # ref.null
            self._heaptype(r, where, start)
        else:
            return self._prefixed(r, opcode, where, start)
        return True

    def _prefixed(self, r: Reader, prefix: int, where: str, start: int) -> bool:
        if prefix not in (0xFB, 0xFC, 0xFD, 0xFE):
            return False
        sub = r.u32()
        what = f"opcode 0x{prefix:02x} {sub}"
        if prefix == 0xFB:
            if sub not in FB_IMMEDIATES:
                return False
            self.use("gc", where, what, start)
            for item in FB_IMMEDIATES[sub]:
                if item == "u":
                    r.u32()
                elif item == "h":
                    heaptype(r)
                else:
                    r.u8()
            return True
        if prefix == 0xFC:
            if sub not in _FC_FEATURES:
                return False
            for feature in _FC_FEATURES[sub]:
                self.use(feature, where, what, start)
            immediates = [r.u32() for _ in range(FC_U32S.get(sub, 0))]
            if any(immediates[i] != 0 for i in _FC_MEMORY_INDICES.get(sub, ())):
                self.use("multi_memory", where, "a memory index other than 0", start)
            if any(immediates[i] != 0 for i in _FC_TABLE_INDICES.get(sub, ())):
                self.use("reference_types", where, "a table index other than 0", start)
            return True
        if prefix == 0xFD:
            if sub > FD_LAST:
                return False
            self.use("relaxed_simd" if sub >= 0x100 else "simd", where, what, start)
            if sub in FD_MEMARG or sub in FD_MEMARG_LANE:
                self._memarg(r, where, start)
            if sub in FD_MEMARG_LANE or sub in FD_LANE:
                r.u8()
            elif sub in (12, 13):  # v128.const, i8x16.shuffle
                r.skip(16)
            return True
        self.use("threads", where, what, start)
        if sub == FE_FENCE:
            r.u8()
        elif fe_has_memarg(sub):
            self._memarg(r, where, start)
        else:
            return False
        return True

    def _blocktype(self, r: Reader, where: str, start: int) -> None:
        byte = r.peek()
        if byte == 0x40:
            r.u8()
        elif byte & 0xC0 == 0x40:  # a value type
            self.value(valtype(r), where, "a block of type", start)
        else:
            r.s33()
            self.use("multi_value", where, "a block type given by a type index", start)

    def _heaptype(self, r: Reader, where: str, start: int) -> None:
        heap = heaptype(r)
        if heap not in ("func", "extern"):
            self.value(f"(ref null {heap})", where, "a null reference of type", start)

    def _memarg(self, r: Reader, where: str, start: int) -> None:
        if r.u32() & 0x40:
            r.u32()
            self.use("multi_memory", where, "a memory argument with a memory index", start)
        r.u64()


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
