"""The module model: what wasmlint knows about a WebAssembly binary once it is decoded.

Plain frozen values, no behaviour beyond spelling themselves the way the text format does, so that the decoder,
the rules, the reports and the code generator share one vocabulary. Value types are strings in text-format
spelling (``"i32"``, ``"funcref"``, ``"(ref null 3)"``): they compare, hash and print with no extra machinery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Union

from .record import Record, field

if TYPE_CHECKING:
    from collections.abc import Sequence

ValType = str
"""A value type in text-format spelling: ``i32 i64 f32 f64 v128``, a short reference type such as ``funcref``,
or ``(ref null? HT)`` where HT is an abstract heap type or a type index of the module."""

ExternKind = Literal["func", "table", "memory", "global", "tag"]
EXTERN_KINDS: tuple[ExternKind, ...] = ("func", "table", "memory", "global", "tag")

DEFAULT_PAGE_SIZE = 65536

COMPONENT_NOTE = (  # what check says of a component when the manifest names no world
    "this is a component (component model), not a core module: name the host's WIT world in the manifest "
    "([host] world and wit) to check it against that world, or check the core module before "
    "`wasm-tools component new`"
)


class FuncType(Record):
    params: tuple[ValType, ...] = ()
    results: tuple[ValType, ...] = ()

    def __str__(self) -> str:
        results = ", ".join(self.results) if self.results else "()"
        if len(self.results) > 1:
            results = f"({results})"
        return f"({', '.join(self.params)}) -> {results}"


class FieldType(Record):
    """A struct field or array element: a value type or a packed ``i8``/``i16``."""

    storage: str
    mutable: bool


class StructType(Record):
    fields: tuple[FieldType, ...] = ()

    def __str__(self) -> str:
        return f"struct with {len(self.fields)} fields"


class ArrayType(Record):
    element: FieldType

    def __str__(self) -> str:
        return f"array of {self.element.storage}"


class ContType(Record):
    """A continuation type (stack-switching proposal) over the function type at ``type_index``."""

    type_index: int

    def __str__(self) -> str:
        return f"cont {self.type_index}"


CompositeType = Union[FuncType, StructType, ArrayType, ContType]


class TableType(Record):
    element: ValType
    min: int
    max: int | None
    index: Literal["i32", "i64"] = "i32"
    shared: bool = False

    def __str__(self) -> str:
        return f"{self.index} {_limits(self.min, self.max)} {self.element}" + (" shared" if self.shared else "")


class MemoryType(Record):
    min: int
    max: int | None
    shared: bool = False
    index: Literal["i32", "i64"] = "i32"
    page_size: int = DEFAULT_PAGE_SIZE

    def __str__(self) -> str:
        text = f"{self.index} {_limits(self.min, self.max)}"
        if self.shared:
            text += " shared"
        if self.page_size != DEFAULT_PAGE_SIZE:
            text += f" (pagesize {self.page_size})"
        return text


class GlobalType(Record):
    value: ValType
    mutable: bool = False
    shared: bool = False

    def __str__(self) -> str:
        text = f"(mut {self.value})" if self.mutable else self.value
        return f"shared {text}" if self.shared else text


class TagType(Record):
    params: tuple[ValType, ...] = ()
    results: tuple[ValType, ...] = ()

    def __str__(self) -> str:
        return str(FuncType(self.params, self.results))


ExternType = Union[FuncType, TableType, MemoryType, GlobalType, TagType]


class Import(Record):
    module: str
    name: str
    kind: ExternKind
    type: ExternType
    offset: int = field(default=0, compare=False)
    """Byte offset of the import entry in the file, for diagnostics."""


class Export(Record):
    name: str
    kind: ExternKind
    index: int
    type: ExternType
    offset: int = field(default=0, compare=False)


class Section(Record):
    """One section's framing: where it is, so that diagnostics can point into the file."""

    id: int
    offset: int
    """Offset of the section id byte."""
    size: int
    """Size of the payload in bytes."""
    name: str | None = None
    """The name of a custom section."""


MARKER_SECTIONS = frozenset({"contractenvmetav0"})
"""Custom sections whose payload the decoder keeps: small sections in which a host reads a module's version."""


class CustomPayload(Record):
    """The payload of a custom section (after its name), as bytes, and where it starts in the file."""

    name: str
    offset: int
    data: bytes


class DecodeWarning(Record):
    """A problem that runtimes tolerate, such as a malformed custom section."""

    offset: int
    message: str


class Module(Record):
    """A decoded core module (or a recognised component, with ``kind == "component"`` and nothing listed)."""

    kind: Literal["module", "component"] = "module"
    types: tuple[CompositeType, ...] = ()
    imports: tuple[Import, ...] = ()
    exports: tuple[Export, ...] = ()
    start: int | None = None
    module_name: str | None = None
    function_names: dict[int, str] = field(default_factory=dict, compare=False)
    producers: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    """Each producers field (``language``, ``processed-by``, ``sdk``) with its (name, version) pairs in order."""
    target_features: tuple[tuple[str, str], ...] = ()
    """Pairs of (prefix, feature) as the ``target_features`` section stores them; prefix is ``+``, ``-`` or ``=``."""
    sections: tuple[Section, ...] = field(default=(), compare=False)
    warnings: tuple[DecodeWarning, ...] = field(default=(), compare=False)
    memories: tuple[MemoryType, ...] = field(default=(), compare=False)
    """The memories the module defines itself (imported ones are among ``imports``)."""
    custom_payloads: tuple[CustomPayload, ...] = field(default=(), compare=False)
    """The payloads of the custom sections that carry a host's version marker (``MARKER_SECTIONS``), in order."""
    tables: tuple[TableType, ...] = field(default=(), compare=False)
    """The tables the module defines itself (imported ones are among ``imports``)."""
    function_types: Sequence[int] = field(default=(), compare=False)
    """The type index of each function the module defines (its function section), in order: hosts that bound a
    contract's shape (CosmWasm) count these functions and their parameters. Decoded when first read."""

    def imports_of(self, kind: ExternKind) -> tuple[Import, ...]:
        return tuple(imp for imp in self.imports if imp.kind == kind)

    def export(self, name: str) -> Export | None:
        for exp in self.exports:
            if exp.name == name:
                return exp
        return None


def _limits(minimum: int, maximum: int | None) -> str:
    return f"{minimum}" if maximum is None else f"{minimum} {maximum}"
