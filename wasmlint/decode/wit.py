"""The component model's types, and their spelling in WIT: what a component's imports and exports carry.

The decoder (``component``) builds these plain values; the listing, the world check and the code generator read
them. A type is spelled exactly as ``wasm-tools component wit`` prints it inside an interface (named types by
name, ``%`` before a name that is a WIT keyword), so that a listing can be compared with that tool word for word,
and a :func:`shape` spells it structurally (named types expanded, resources by identity), which is what a runtime
compares when it links an import.
"""

from __future__ import annotations

import itertools
from typing import Union

from ..record import Record, field

PRIMITIVES = {
    0x7F: "bool",
    0x7E: "s8",
    0x7D: "u8",
    0x7C: "s16",
    0x7B: "u16",
    0x7A: "s32",
    0x79: "u32",
    0x78: "s64",
    0x77: "u64",
    0x76: "f32",
    0x75: "f64",
    0x74: "char",
    0x73: "string",
    0x64: "error-context",
}

KEYWORDS = frozenset(
    (
        *("use", "type", "func", "u8", "u16", "u32", "u64", "s8", "s16", "s32", "s64", "f32", "f64", "float32"),
        *("float64", "char", "resource", "record", "flags", "variant", "enum", "bool", "string", "option", "result"),
        *("future", "stream", "list", "own", "borrow", "_", "as", "from", "static", "interface", "tuple", "world"),
        *("import", "export", "package", "with", "include", "constructor", "error-context", "async", "map"),
    )
)
"""The names WIT prints with a leading ``%`` (wasm-tools, ``crates/wit-component/src/printing.rs``, ``is_keyword``,
bytecodealliance/wasm-tools@a7ef477)."""

_resource_ids = itertools.count(1)


class Prim(Record):
    name: str


class ListType(Record):
    element: WitType
    length: int | None = None
    """A fixed-length list's length (the 🔧 feature)."""


class TupleType(Record):
    elements: tuple[WitType, ...]


class OptionType(Record):
    element: WitType


class ResultType(Record):
    ok: WitType | None
    err: WitType | None


class RecordType(Record):
    fields: tuple[tuple[str, WitType], ...]


class VariantType(Record):
    cases: tuple[tuple[str, WitType | None], ...]


class EnumType(Record):
    cases: tuple[str, ...]


class FlagsType(Record):
    names: tuple[str, ...]


class MapType(Record):
    key: WitType
    value: WitType


class StreamType(Record):
    element: WitType | None


class FutureType(Record):
    element: WitType | None


class ResourceType(Record):
    """A resource type: each definition (or ``(sub resource)`` import) is a fresh type, told apart by ``uid``."""

    uid: int = field(default_factory=lambda: next(_resource_ids))


class Own(Record):
    resource: WitType


class Borrow(Record):
    resource: WitType


class Named(Record):
    """A type given a name by an export or import (``record point``, ``resource conn``, ``use host.{conn}``)."""

    name: str
    target: WitType


WitType = Union[
    Prim,
    ListType,
    TupleType,
    OptionType,
    ResultType,
    RecordType,
    VariantType,
    EnumType,
    FlagsType,
    MapType,
    StreamType,
    FutureType,
    ResourceType,
    Own,
    Borrow,
    Named,
]


class FuncType(Record):
    params: tuple[tuple[str, WitType], ...]
    result: WitType | None
    is_async: bool = False


def ident(name: str) -> str:
    """A WIT identifier as WIT prints it: ``%`` before a keyword."""
    return f"%{name}" if name in KEYWORDS else name


def unnamed(t: WitType) -> WitType:
    while isinstance(t, Named):
        t = t.target
    return t


def spell(t: WitType) -> str:
    """``t`` in WIT, as it appears in a function's signature or a definition's right-hand side."""
    if isinstance(t, Prim):
        return t.name
    if isinstance(t, Named):
        return ident(t.name)
    if isinstance(t, ListType):
        return f"list<{spell(t.element)}>" if t.length is None else f"list<{spell(t.element)}, {t.length}>"
    if isinstance(t, TupleType):
        return f"tuple<{', '.join(spell(e) for e in t.elements)}>"
    if isinstance(t, OptionType):
        return f"option<{spell(t.element)}>"
    if isinstance(t, ResultType):
        if t.ok is None:
            return "result" if t.err is None else f"result<_, {spell(t.err)}>"
        return f"result<{spell(t.ok)}>" if t.err is None else f"result<{spell(t.ok)}, {spell(t.err)}>"
    if isinstance(t, Own):
        return _resource_name(t.resource)
    if isinstance(t, Borrow):
        return f"borrow<{_resource_name(t.resource)}>"
    if isinstance(t, MapType):
        return f"map<{spell(t.key)}, {spell(t.value)}>"
    if isinstance(t, (StreamType, FutureType)):
        word = "stream" if isinstance(t, StreamType) else "future"
        return word if t.element is None else f"{word}<{spell(t.element)}>"
    # Types WIT only writes with a name; a component may still use them anonymously.
    return body(t)


def _resource_name(t: WitType) -> str:
    return ident(t.name) if isinstance(t, Named) else "resource"


def body(t: WitType) -> str:
    """The braces of a record, variant, enum or flags type (``{ x: s32, y: s32 }``); other types as :func:`spell`."""
    if isinstance(t, RecordType):
        return "record { " + ", ".join(f"{ident(n)}: {spell(ft)}" for n, ft in t.fields) + " }"
    if isinstance(t, VariantType):
        cases = (ident(n) if ct is None else f"{ident(n)}({spell(ct)})" for n, ct in t.cases)
        return "variant { " + ", ".join(cases) + " }"
    if isinstance(t, EnumType):
        return "enum { " + ", ".join(ident(n) for n in t.cases) + " }"
    if isinstance(t, FlagsType):
        return "flags { " + ", ".join(ident(n) for n in t.names) + " }"
    if isinstance(t, ResourceType):
        return "resource"
    return spell(t)


def definition(name: str, t: WitType) -> tuple[str, str]:
    """(kind, WIT definition) of a type named ``name`` whose target is ``t``, on one line: ``record point { x: s32,
    y: s32 }``, ``resource conn``, ``type alias = list<point>``."""
    if isinstance(t, (RecordType, VariantType, EnumType, FlagsType)):
        text = body(t)
        kind = text.split(" ", 1)[0]
        return kind, f"{kind} {ident(name)} {text[len(kind) + 1 :]}"
    if isinstance(t, ResourceType):
        return "resource", f"resource {ident(name)}"
    return "type", f"type {ident(name)} = {spell(t)}"


def function_text(name: str, func: FuncType) -> str:
    """A function as WIT prints it after ``name: ``: ``func(...)``, ``static func(...)``, ``constructor(...)``, a
    method without its ``self``."""
    params = func.params
    prefix = "async " if func.is_async else ""
    if name.startswith("[constructor]"):
        head = "constructor("
        resource = name[len("[constructor]") :]
        result = func.result
        if isinstance(result, Own) and isinstance(result.resource, Named) and result.resource.name == resource:
            result = None
    else:
        result = func.result
        if name.startswith("[method]"):
            params = params[1:]
        head = f"{prefix}func("
        if name.startswith("[static]"):
            head = "static " + head
    text = head + ", ".join(f"{ident(n)}: {spell(t)}" for n, t in params) + ")"
    return text if result is None else f"{text} -> {spell(result)}"


def shape(t: WitType | None, resources: dict[int, str] | None = None) -> str:
    """``t`` spelled structurally: named types expanded, each resource as ``resource#N`` (or the label
    ``resources`` gives its uid). Two types a linker would match spell the same."""
    if t is None:
        return "_"
    if isinstance(t, Named):
        return shape(t.target, resources)
    if isinstance(t, ResourceType):
        return (resources or {}).get(t.uid, f"resource#{t.uid}")
    if isinstance(t, Prim):
        return t.name
    if isinstance(t, ListType):
        return f"list<{shape(t.element, resources)}>" if t.length is None else f"list<{shape(t.element)},{t.length}>"
    if isinstance(t, TupleType):
        return "tuple<" + ",".join(shape(e, resources) for e in t.elements) + ">"
    if isinstance(t, OptionType):
        return f"option<{shape(t.element, resources)}>"
    if isinstance(t, ResultType):
        return f"result<{shape(t.ok, resources)},{shape(t.err, resources)}>"
    if isinstance(t, RecordType):
        return "record{" + ",".join(f"{n}:{shape(ft, resources)}" for n, ft in t.fields) + "}"
    if isinstance(t, VariantType):
        return "variant{" + ",".join(f"{n}:{shape(ct, resources)}" for n, ct in t.cases) + "}"
    if isinstance(t, EnumType):
        return "enum{" + ",".join(t.cases) + "}"
    if isinstance(t, FlagsType):
        return "flags{" + ",".join(t.names) + "}"
    if isinstance(t, MapType):
        return f"map<{shape(t.key, resources)},{shape(t.value, resources)}>"
    if isinstance(t, StreamType):
        return f"stream<{shape(t.element, resources)}>"
    if isinstance(t, FutureType):
        return f"future<{shape(t.element, resources)}>"
    if isinstance(t, Own):
        return f"own<{shape(t.resource, resources)}>"
    assert isinstance(t, Borrow)
    return f"borrow<{shape(t.resource, resources)}>"


def function_shape(func: FuncType, resources: dict[int, str] | None = None) -> str:
    params = ",".join(f"{n}:{shape(t, resources)}" for n, t in func.params)
    return ("async " if func.is_async else "") + f"func({params})->{shape(func.result, resources)}"


ItemKind = str
"""What a component imports or exports: ``instance`` (an interface), ``func``, ``type``, ``component``,
``module`` or ``value``."""


class Function(Record):
    """A function of an interface (or of the world), named as the binary spells it (``[method]conn.send``)."""

    name: str
    type: FuncType

    @property
    def text(self) -> str:
        return function_text(self.name, self.type)


class TypeDef(Record):
    """A named type of an interface: its name, its kind (``record``, ``variant``, ``enum``, ``flags``,
    ``resource``, ``type`` or ``use``) and its WIT definition on one line."""

    name: str
    kind: str
    definition: str
    type: Named = field(compare=False)


class Item(Record):
    """A top-level import or export of a component."""

    name: str
    """The name as the binary spells it (``wasi:cli/environment@0.2.12``, or a plain name such as ``run``)."""
    kind: ItemKind
    offset: int = field(default=0, compare=False)
    functions: tuple[Function, ...] = ()
    """An interface's functions; for a ``func`` item, the function itself (named as the item)."""
    types: tuple[TypeDef, ...] = ()
    """An interface's named types; for a ``type`` item, its definition."""
    implements: str | None = None
    """The interface a plainly named instance implements (the 🏷️ ``implements`` attribute)."""

    @property
    def resources(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.types if t.kind == "resource")


class Component(Record):
    """A decoded component: what it imports and exports, at the top level, in the order of the binary."""

    imports: tuple[Item, ...] = ()
    exports: tuple[Item, ...] = ()
    producers: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
