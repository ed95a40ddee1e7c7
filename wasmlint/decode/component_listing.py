"""A decoded component's top-level imports and exports as the listing (``wit.Component``): each interface with
its functions and named types, a type that aliases another interface's type written as the ``use`` WIT writes.
"""

from __future__ import annotations

from typing import Any, Union

from .wit import Component, Function, Item, Named, TypeDef, definition, ident

Entry = tuple[str, str, Any, int, Union[str, None]]
"""A top-level import or export as decoded: name, kind, entity, offset, ``implements``."""


def listing(imports: list[Entry], exports: list[Entry], producers: dict[str, tuple[tuple[str, str], ...]]) -> Component:
    owners: dict[int, str] = {}
    for name, kind, entity, _, _ in imports + exports:
        if kind == "instance":
            for export_kind, value in entity.exports.values():
                if export_kind == "type":
                    owners.setdefault(id(value), name)
    return Component(
        tuple(item(entry, owners) for entry in imports),
        tuple(item(entry, owners) for entry in exports),
        producers,
    )


def item(entry: Entry, owners: dict[int, str]) -> Item:
    name, kind, entity, offset, implements = entry
    if kind == "instance":
        functions = tuple(Function(n, v) for n, (k, v) in entity.exports.items() if k == "func")
        local = {id(v) for k, v in entity.exports.values() if k == "type"}
        types = tuple(
            _typedef(v, local, owners) for k, v in entity.exports.values() if k == "type" and isinstance(v, Named)
        )
        return Item(name, kind, offset, functions, types, implements)
    if kind == "func":
        return Item(name, kind, offset, (Function(name, entity),), (), implements)
    if kind == "type" and isinstance(entity, Named):
        return Item(name, kind, offset, (), (_typedef(entity, set(), owners),), implements)
    return Item(name, kind, offset, implements=implements)


def _typedef(named: Named, local: set[int], owners: dict[int, str]) -> TypeDef:
    """The definition of an interface's named type; an alias of another interface's type is a ``use``."""
    target = named.target
    if isinstance(target, Named):
        if id(target) in local:
            return TypeDef(named.name, "type", f"type {ident(named.name)} = {ident(target.name)}", named)
        owner = owners.get(id(target))
        renamed = ident(target.name) if target.name == named.name else f"{ident(target.name)} as {ident(named.name)}"
        source = owner if owner is not None else "?"
        return TypeDef(named.name, "use", f"use {source}.{{{renamed}}}", named)
    kind, text = definition(named.name, target)
    return TypeDef(named.name, kind, text, named)
