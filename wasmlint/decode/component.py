"""Decode a component (component-model binary) into its top-level imports and exports, with WIT types.

A component is read section by section as wasmparser's validator would, but only as far as a listing needs:
the component-level index spaces of types, functions, instances and components are tracked, the core ones are
not, and embedded core modules, core instances and core types are passed by their section size, so the cost does
not grow with the code. Toolchains type an exported interface through a nested *shim* component that imports the
lifted functions and the interface's types and re-exports them with type ascriptions; a nested component is
therefore decoded when it is instantiated, with its imports bound to the instantiation's arguments, which is
how resource types (and named types) are substituted. Grammar: ``design/mvp/Binary.md`` of
WebAssembly/component-model@6d28164; messages follow wasmparser's where it has one.
"""

from __future__ import annotations

import contextlib
import mmap
import os
from typing import TYPE_CHECKING, Any, Union

from . import custom
from .component_listing import Entry, listing
from .passby import canon, core_type, expect
from .reader import END_OF_SECTION, DecodeError, Reader
from .wit import (
    PRIMITIVES,
    Borrow,
    Component,
    EnumType,
    FlagsType,
    FuncType,
    FutureType,
    ListType,
    MapType,
    Named,
    OptionType,
    Own,
    Prim,
    RecordType,
    ResourceType,
    ResultType,
    StreamType,
    TupleType,
    VariantType,
    WitType,
)

if TYPE_CHECKING:
    from .reader import Buffer

MAGIC = b"\x00asm"
LAYER = b"\x01\x00"
VERSIONS = range(0x0A, 0x10)

(
    CUSTOM,
    CORE_MODULE,
    CORE_INSTANCE,
    CORE_TYPE,
    COMPONENT,
    INSTANCE,
    ALIAS,
    TYPE,
    CANON,
    START,
    IMPORT,
    EXPORT,
    VALUE,
) = range(13)

MAX_NESTING = 64
"""Components, component types and instance types nested deeper than this are refused (a Python stack guard)."""
MAX_TYPE_SIZE = 100_000
MAX_TYPE_DEPTH = 100
"""The deepest type accepted (a ``list<list<...>>`` chain, or names of names): spelling and comparing types
recurse through them."""
MAX_INSTANTIATED = 64
"""How many times the bytes of the file nested component bodies may add up to, when decoded at instantiation: a
nested component instantiated many times in many levels would otherwise cost exponential time."""
"""The largest effective type size (every named type expanded) accepted; wasmparser's own limit is 1,000,000."""

VALUES_FEATURE = "value definitions and start functions (the component model's 🪙 'values' feature)"


class InstanceShape:
    """An instance's type: its exports by name, each a (kind, entity) pair."""

    __slots__ = ("exports",)

    def __init__(self, exports: dict[str, tuple[str, Any]]) -> None:
        self.exports = exports


class ComponentShape:
    """A component type: its imports and exports by name."""

    __slots__ = ("exports", "imports")

    def __init__(self, imports: dict[str, tuple[str, Any]], exports: dict[str, tuple[str, Any]]) -> None:
        self.imports = imports
        self.exports = exports


class _Nested:
    """A nested component definition: its bytes and the scope it was defined in, decoded when instantiated."""

    __slots__ = ("end", "scope", "start")

    def __init__(self, start: int, end: int, scope: _Scope) -> None:
        self.start = start
        self.end = end
        self.scope = scope


DefType = Union[WitType, FuncType, InstanceShape, ComponentShape]


class _Scope:
    """The index spaces of one component, component type or instance type (core ones are not tracked)."""

    __slots__ = ("components", "depth", "funcs", "instances", "parent", "types")

    def __init__(self, parent: _Scope | None) -> None:
        self.parent = parent
        self.depth: int = 0 if parent is None else parent.depth + 1
        self.types: list[DefType] = []
        self.funcs: list[FuncType] = []
        self.instances: list[InstanceShape] = []
        self.components: list[ComponentShape | _Nested] = []

    def space(self, sort: str) -> list[Any] | None:
        if sort == "type":
            return self.types
        if sort == "func":
            return self.funcs
        if sort == "instance":
            return self.instances
        if sort == "component":
            return self.components
        return None  # core sorts and modules: not tracked

    def add(self, sort: str, entity: Any) -> None:
        space = self.space(sort)
        if space is not None:
            space.append(entity)


SORTS = {0x01: "func", 0x02: "value", 0x03: "type", 0x04: "component", 0x05: "instance"}
CORE_SORTS = {0x00: "func", 0x01: "table", 0x02: "memory", 0x03: "global", 0x04: "tag", 0x10: "type", 0x11: "module"}
CORE_SORTS[0x12] = "instance"


def decode_component_path(path: str | os.PathLike[str]) -> Component:
    """Decode the component in the file at ``path`` (memory-mapped: the core modules it embeds are not read).
    ``OSError`` is left to the caller."""
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        if size <= 64 * 1024:
            return decode_component(file.read())
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return decode_component(data)


def decode_worlds(data: Buffer) -> dict[str, Component]:
    """The worlds of a WIT package in its binary form, by qualified name; each world's imports and exports are
    listed as a component's are. Raises :class:`DecodeError` for a malformed package."""
    return _Decoder(data).worlds()


def decode_component(data: Buffer) -> Component:
    """Decode a component from ``bytes``, ``bytearray``, ``memoryview`` or ``mmap``.

    Raises :class:`DecodeError` (offset and message) for every malformed input, and nothing else.
    """
    return _Decoder(data).decode()


class _Decoder:
    __slots__ = ("data", "exports", "imports", "instantiated", "producers", "sizes")

    def __init__(self, data: Buffer) -> None:
        self.data = data
        self.imports: list[tuple[str, str, Any, int, str | None]] = []
        self.exports: list[tuple[str, str, Any, int, str | None]] = []
        self.producers: dict[str, tuple[tuple[str, str], ...]] = {}
        self.sizes: dict[int, tuple[int, int]] = {}  # id(type) -> (effective size, depth), for the limits
        self.instantiated = 0

    def decode(self) -> Component:
        data = self.data
        self._preamble(0, len(data))
        self._body(Reader(data, 8), _Scope(None), None, top=True)
        return listing(self.imports, self.exports, self.producers)

    def worlds(self) -> dict[str, Component]:
        """The worlds of a WIT package in its binary form (``wasm-tools component wit --wasm``), by qualified name
        (``my:pkg/plug@1.2.3``): each is exported as a component type whose one export is the world's type."""
        self.decode()
        found: dict[str, Component] = {}
        for _, kind, entity, offset, _ in self.exports:
            if kind != "type" or not isinstance(entity, ComponentShape) or len(entity.exports) != 1:
                continue
            [(qualified, (inner_kind, world))] = entity.exports.items()
            if inner_kind == "component" and isinstance(world, ComponentShape):
                imports: list[Entry] = [(n, k, e, offset, None) for n, (k, e) in world.imports.items()]
                exports: list[Entry] = [(n, k, e, offset, None) for n, (k, e) in world.exports.items()]
                found[qualified] = listing(imports, exports, {})
        return found

    def _preamble(self, start: int, end: int) -> None:
        data = self.data
        if end - start < 4 or data[start : start + 4] != MAGIC:
            raise DecodeError(start, "magic header not detected")
        if end - start < 8:
            raise DecodeError(start + 4, "unexpected end")
        version = bytes(data[start + 4 : start + 8])
        if version[2:] != LAYER or version[1] != 0 or version[0] not in VERSIONS:
            raise DecodeError(start + 4, "unknown binary version and encoding combination")

    # Sections

    def _body(self, r: Reader, scope: _Scope, args: dict[str, tuple[str, Any]] | None, top: bool) -> InstanceShape:
        """Decode a component's sections into ``scope``; returns what it exports."""
        if scope.depth > MAX_NESTING:
            raise r.fail("components nested too deeply")
        exports: dict[str, tuple[str, Any]] = {}
        data = self.data
        while not r.at_end():
            section_start = r.pos
            section_id = r.u8()
            size = r.u32()
            start = r.pos
            if size > r.end - start:
                raise DecodeError(start, "section size mismatch: unexpected end of section or function")
            end = start + size
            s = Reader(data, start, end, END_OF_SECTION)
            if section_id in (CORE_MODULE, CORE_INSTANCE, CORE_TYPE):
                s.pos = end
            elif section_id == CUSTOM:
                name = s.name()
                if top and name == "producers":
                    with contextlib.suppress(DecodeError):  # a malformed custom section is tolerated, as runtimes do
                        self.producers = custom.producers(data, s.pos, end)
                s.pos = end
            elif section_id == COMPONENT:
                self._preamble(start, end)
                scope.components.append(_Nested(start + 8, end, scope))
                s.pos = end
            elif section_id == INSTANCE:
                for _ in range(s.count()):
                    scope.instances.append(self._instance(s, scope))
            elif section_id == ALIAS:
                for _ in range(s.count()):
                    self._alias(s, scope)
            elif section_id == TYPE:
                for _ in range(s.count()):
                    scope.types.append(self._deftype(s, scope))
            elif section_id == CANON:
                for _ in range(s.count()):
                    at = s.pos
                    lifted = canon(s)
                    if lifted is not None:  # canon lift: a component function of that type
                        func = self._index_at(at, lifted, scope.types, "type")
                        if not isinstance(func, FuncType):
                            raise DecodeError(at, "canon lift of a type that is not a function type")
                        scope.funcs.append(func)
            elif section_id == IMPORT:
                for _ in range(s.count()):
                    self._import(s, scope, args, top)
            elif section_id == EXPORT:
                for _ in range(s.count()):
                    self._export(s, scope, exports, top)
            elif section_id in (START, VALUE):
                raise DecodeError(section_start, f"{VALUES_FEATURE} are not supported by wasmlint")
            else:
                raise DecodeError(section_start, f"unknown component section id 0x{section_id:x}")
            if s.pos != end:
                raise DecodeError(s.pos, "section size mismatch")
            r.pos = end
        return InstanceShape(exports)

    def _import(self, r: Reader, scope: _Scope, args: dict[str, tuple[str, Any]] | None, top: bool) -> None:
        offset = r.pos
        name, implements = self._name_attributes(r)
        kind, entity = self._externtype(r, scope, name)
        if args is not None:
            given = args.get(name)
            if given is None:
                raise DecodeError(offset, f"missing import named `{name}`")
            if given[0] != kind:
                raise DecodeError(offset, f"expected {kind} for import `{name}`, found {given[0]}")
            entity = given[1]
        scope.add(kind, entity)
        if top:
            self.imports.append((name, kind, entity, offset, implements))

    def _export(self, r: Reader, scope: _Scope, exports: dict[str, tuple[str, Any]], top: bool) -> None:
        offset = r.pos
        name, implements = self._name_attributes(r)
        kind, entity = self._sortidx(r, scope)
        ascribed = r.u8()
        if ascribed == 0x01:
            ascribed_kind, ascribed_entity = self._externtype(r, scope, name)
            if ascribed_kind != kind:
                raise DecodeError(offset, f"export `{name}` ascribes a {ascribed_kind} to a {kind}")
            if kind == "func":  # the ascription names the types as the exporting scope knows them
                entity = ascribed_entity
        elif ascribed != 0x00:
            raise DecodeError(r.pos - 1, f"invalid leading byte (0x{ascribed:x}) for optional export type")
        if kind == "type" and not isinstance(entity, (FuncType, InstanceShape, ComponentShape)):
            entity = self._named(name, entity, offset)
        scope.add(kind, entity)
        exports[name] = (kind, entity)
        if top:
            self.exports.append((name, kind, entity, offset, implements))

    def _instance(self, r: Reader, scope: _Scope) -> InstanceShape:
        start = r.pos
        tag = r.u8()
        if tag == 0x00:
            component = self._index(r, scope.components, "component")
            args: dict[str, tuple[str, Any]] = {}
            for _ in range(r.count()):
                name = r.name()
                args[name] = self._sortidx(r, scope)
            if isinstance(component, ComponentShape):
                return InstanceShape(dict(component.exports))
            self.instantiated += component.end - component.start
            if self.instantiated > MAX_INSTANTIATED * len(self.data):
                raise DecodeError(start, "nested components are instantiated too many times")
            body = Reader(self.data, component.start, component.end)
            return self._body(body, _Scope(component.scope), args, top=False)
        if tag == 0x01:
            exports: dict[str, tuple[str, Any]] = {}
            for _ in range(r.count()):
                offset = r.pos
                name, _ = self._name_attributes(r)
                kind, entity = self._sortidx(r, scope)
                exports[name] = (kind, self._named(name, entity, offset) if kind == "type" else entity)
            return InstanceShape(exports)
        raise DecodeError(start, f"invalid leading byte (0x{tag:x}) for instance")

    def _alias(self, r: Reader, scope: _Scope) -> None:
        start = r.pos
        sort, core = self._sort(r)
        target = r.u8()
        if target == 0x00:  # export of an instance
            instance = self._index(r, scope.instances, "instance")
            name_at = r.pos
            name = r.name()
            found = instance.exports.get(name)
            if found is None:
                raise DecodeError(name_at, f"instance has no export named `{name}`")
            if core or found[0] != sort:
                raise DecodeError(start, f"export `{name}` for instance is not a {sort}")
            scope.add(sort, found[1])
        elif target == 0x01:  # export of a core instance: core entities are not tracked
            if not core:
                raise DecodeError(start, "core export aliases must alias a core sort")
            r.u32()
            r.name()
        elif target == 0x02:  # outer
            count_at = r.pos
            count = r.u32()
            outer: _Scope | None = scope
            for _ in range(count):
                outer = outer.parent if outer is not None else None
            if outer is None:
                raise DecodeError(count_at, f"invalid outer alias count of {count}")
            if core:
                r.u32()
            else:
                space = outer.space(sort)
                if space is None:
                    raise DecodeError(start, f"outer aliases of {sort}s are not allowed")
                scope.add(sort, self._index(r, space, sort))
        else:
            raise DecodeError(start, f"invalid leading byte (0x{target:x}) for alias")

    # Names, sorts, extern types

    def _name_attributes(self, r: Reader) -> tuple[str, str | None]:
        """A name and its attributes; returns the name (with a version suffix appended) and ``implements``."""
        start = r.pos
        tag = r.u8()
        name = r.name()
        implements = None
        if tag == 0x02:
            for _ in range(r.count()):
                attribute_at = r.pos
                attribute = r.u8()
                if attribute == 0x00:
                    implements = r.name()
                elif attribute == 0x01:
                    name += r.name()
                elif attribute == 0x02:
                    r.name()
                else:
                    raise DecodeError(attribute_at, f"invalid leading byte (0x{attribute:x}) for name attribute")
        elif tag not in (0x00, 0x01):
            raise DecodeError(start, f"invalid leading byte (0x{tag:x}) for component external name")
        return name, implements

    def _sort(self, r: Reader) -> tuple[str, bool]:
        """A sort, and whether it is a core sort."""
        start = r.pos
        tag = r.u8()
        if tag == 0x00:
            core = r.u8()
            if core not in CORE_SORTS:
                raise DecodeError(start + 1, f"invalid leading byte (0x{core:x}) for core sort")
            return CORE_SORTS[core], True
        sort = SORTS.get(tag)
        if sort is None:
            raise DecodeError(start, f"invalid leading byte (0x{tag:x}) for sort")
        if sort == "value":
            raise DecodeError(start, f"{VALUES_FEATURE} are not supported by wasmlint")
        return sort, False

    def _sortidx(self, r: Reader, scope: _Scope) -> tuple[str, Any]:
        sort, core = self._sort(r)
        if core:
            r.u32()
            return ("module" if sort == "module" else f"core {sort}"), None
        space = scope.space(sort)
        assert space is not None
        return sort, self._index(r, space, sort)

    def _externtype(self, r: Reader, scope: _Scope, name: str) -> tuple[str, Any]:
        start = r.pos
        tag = r.u8()
        if tag == 0x00:
            expect(r, 0x11, "core module type")
            r.u32()
            return "module", None
        if tag == 0x01:
            func = self._index(r, scope.types, "type")
            if not isinstance(func, FuncType):
                raise DecodeError(start + 1, "type index is not a function type")
            return "func", func
        if tag == 0x02:
            raise DecodeError(start, f"{VALUES_FEATURE} are not supported by wasmlint")
        if tag == 0x03:
            bound = r.u8()
            if bound == 0x00:
                return "type", self._named(name, self._index(r, scope.types, "type"), start)
            if bound == 0x01:
                return "type", Named(name, ResourceType())
            raise DecodeError(start + 1, f"invalid leading byte (0x{bound:x}) for type bound")
        if tag in (0x04, 0x05):
            kind = "component" if tag == 0x04 else "instance"
            found = self._index(r, scope.types, "type")
            wanted = ComponentShape if tag == 0x04 else InstanceShape
            if not isinstance(found, wanted):
                raise DecodeError(start + 1, f"type index is not a {kind} type")
            return kind, found
        raise DecodeError(start, f"invalid leading byte (0x{tag:x}) for component external kind")

    def _named(self, name: str, target: Any, offset: int) -> Named:
        if isinstance(target, (FuncType, InstanceShape, ComponentShape)):
            raise DecodeError(offset, f"type `{name}` is not a value or resource type")
        named = Named(name, target)
        size, depth = self.sizes.get(id(target), (1, 1))
        if depth >= MAX_TYPE_DEPTH:
            raise DecodeError(offset, f"type nesting exceeds the limit of {MAX_TYPE_DEPTH}")
        self.sizes[id(named)] = (size + 1, depth + 1)
        return named

    # Types

    def _deftype(self, r: Reader, scope: _Scope) -> DefType:
        start = r.pos
        tag = r.u8()
        if tag in PRIMITIVES:
            return Prim(PRIMITIVES[tag])
        if tag == 0x40 or tag == 0x43:  # func, async func
            params = tuple(self._label_valtype(r, scope) for _ in range(r.count()))
            return FuncType(params, self._result_list(r, scope), tag == 0x43)
        if tag == 0x41:
            return self._component_type(r, scope)
        if tag == 0x42:
            inner = _Scope(scope)
            exports: dict[str, tuple[str, Any]] = {}
            self._declarations(r, inner, None, exports)
            return InstanceShape(exports)
        if tag == 0x3F:  # resource: a representation (i32) and an optional destructor
            rep = r.u8()
            if rep not in (0x7F, 0x7E):
                raise DecodeError(start + 1, "resources can only be represented by `i32` or `i64`")
            if self._option(r):
                r.u32()
            return ResourceType()
        made = self._defvaltype(tag, r, scope, start)
        self._limit(made, start)
        return made

    def _defvaltype(self, tag: int, r: Reader, scope: _Scope, start: int) -> WitType:
        if tag == 0x72:
            fields = tuple(self._label_valtype(r, scope) for _ in range(r.count()))
            return RecordType(fields)
        if tag == 0x71:
            cases = []
            for _ in range(r.count()):
                label = r.name()
                payload = self._valtype(r, scope) if self._option(r) else None
                refines = r.u8()
                if refines != 0x00:
                    raise DecodeError(r.pos - 1, "variant case refinement is not supported")
                cases.append((label, payload))
            return VariantType(tuple(cases))
        if tag == 0x70:
            return ListType(self._valtype(r, scope))
        if tag == 0x67:
            return ListType(self._valtype(r, scope), r.u32())
        if tag == 0x6F:
            return TupleType(tuple(self._valtype(r, scope) for _ in range(r.count())))
        if tag == 0x6E:
            return FlagsType(tuple(r.name() for _ in range(r.count())))
        if tag == 0x6D:
            return EnumType(tuple(r.name() for _ in range(r.count())))
        if tag == 0x6B:
            return OptionType(self._valtype(r, scope))
        if tag == 0x6A:
            ok = self._valtype(r, scope) if self._option(r) else None
            err = self._valtype(r, scope) if self._option(r) else None
            return ResultType(ok, err)
        if tag in (0x69, 0x68):
            at = r.pos
            resource = self._index(r, scope.types, "type")
            if not isinstance(resource, (ResourceType, Named)) or not isinstance(_unnamed(resource), ResourceType):
                raise DecodeError(at, "type index is not a resource type")
            return Own(resource) if tag == 0x69 else Borrow(resource)
        if tag in (0x66, 0x65):
            element = self._valtype(r, scope) if self._option(r) else None
            return StreamType(element) if tag == 0x66 else FutureType(element)
        if tag == 0x63:
            return MapType(self._valtype(r, scope), self._valtype(r, scope))
        raise DecodeError(start, f"invalid leading byte (0x{tag:x}) for component defined type")

    def _limit(self, made: WitType, start: int) -> None:
        sizes = self.sizes
        children: list[Any] = []
        if isinstance(made, RecordType):
            children = [t for _, t in made.fields]
        elif isinstance(made, VariantType):
            children = [t for _, t in made.cases if t is not None]
        elif isinstance(made, TupleType):
            children = list(made.elements)
        elif isinstance(made, (ListType, OptionType)):
            children = [made.element]
        elif isinstance(made, (StreamType, FutureType)):
            children = [] if made.element is None else [made.element]
        elif isinstance(made, ResultType):
            children = [t for t in (made.ok, made.err) if t is not None]
        elif isinstance(made, MapType):
            children = [made.key, made.value]
        elif isinstance(made, (Own, Borrow)):
            children = [made.resource]
        known = [sizes.get(id(child), (1, 1)) for child in children]
        size = 1 + sum(size for size, _ in known)
        depth = 1 + max((depth for _, depth in known), default=0)
        if size > MAX_TYPE_SIZE:
            raise DecodeError(start, f"effective type size exceeds the limit of {MAX_TYPE_SIZE}")
        if depth > MAX_TYPE_DEPTH:
            raise DecodeError(start, f"type nesting exceeds the limit of {MAX_TYPE_DEPTH}")
        sizes[id(made)] = (size, depth)

    def _component_type(self, r: Reader, scope: _Scope) -> ComponentShape:
        inner = _Scope(scope)
        imports: dict[str, tuple[str, Any]] = {}
        exports: dict[str, tuple[str, Any]] = {}
        self._declarations(r, inner, imports, exports)
        return ComponentShape(imports, exports)

    def _declarations(
        self,
        r: Reader,
        scope: _Scope,
        imports: dict[str, tuple[str, Any]] | None,
        exports: dict[str, tuple[str, Any]],
    ) -> None:
        """The declarations of a component type (``imports`` given) or an instance type."""
        if scope.depth > MAX_NESTING:
            raise r.fail("types nested too deeply")
        for _ in range(r.count()):
            start = r.pos
            tag = r.u8()
            if tag == 0x00:
                core_type(r)
            elif tag == 0x01:
                scope.types.append(self._deftype(r, scope))
            elif tag == 0x02:
                self._alias(r, scope)
            elif tag == 0x04 or (tag == 0x03 and imports is not None):
                name, _ = self._name_attributes(r)
                kind, entity = self._externtype(r, scope, name)
                scope.add(kind, entity)
                (exports if tag == 0x04 else imports)[name] = (kind, entity)  # type: ignore[index]
            else:
                what = "component" if imports is not None else "instance"
                raise DecodeError(start, f"invalid leading byte (0x{tag:x}) for {what} type declaration")

    def _valtype(self, r: Reader, scope: _Scope) -> WitType:
        start = r.pos
        tag = r.peek()
        if tag in PRIMITIVES:
            r.pos += 1
            return Prim(PRIMITIVES[tag])
        index = r.s33()
        if index < 0:
            raise DecodeError(start, f"invalid leading byte (0x{tag:x}) for component value type")
        found = self._index_at(start, index, scope.types, "type")
        if isinstance(found, (FuncType, InstanceShape, ComponentShape)) or isinstance(_unnamed(found), ResourceType):
            raise DecodeError(start, f"type index {index} is not a defined type")
        return found  # type: ignore[no-any-return]

    def _label_valtype(self, r: Reader, scope: _Scope) -> tuple[str, WitType]:
        return r.name(), self._valtype(r, scope)

    def _result_list(self, r: Reader, scope: _Scope) -> WitType | None:
        start = r.pos
        tag = r.u8()
        if tag == 0x00:
            return self._valtype(r, scope)
        if tag == 0x01 and r.u8() == 0x00:
            return None
        raise DecodeError(start, "invalid function result list: a function has at most one, unnamed, result")

    def _option(self, r: Reader) -> bool:
        start = r.pos
        tag = r.u8()
        if tag > 1:
            raise DecodeError(start, f"invalid leading byte (0x{tag:x}) for optional value")
        return tag == 1

    # Helpers

    def _index(self, r: Reader, space: list[Any], sort: str) -> Any:
        start = r.pos
        return self._index_at(start, r.u32(), space, sort)

    def _index_at(self, start: int, index: int, space: list[Any], sort: str) -> Any:
        if index >= len(space):
            raise DecodeError(start, f"unknown {sort} {index}: {sort} index out of bounds")
        return space[index]


def _unnamed(t: Any) -> Any:
    while isinstance(t, Named):
        t = t.target
    return t
