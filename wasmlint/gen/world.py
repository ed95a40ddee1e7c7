"""Write a first host world from components: the WIT package that ``wasmlint init`` writes beside the manifest.

The world imports exactly what the components import (every interface with the functions, types and resources
they use, at the versions they use) and exports what all of them export, so that ``wasmlint check`` passes on
those components with it. Interfaces are written in their own packages (``package wasi:io@0.2.0 { interface
streams { ... } }``), as ``wasm-tools component wit`` writes them; an interface two components import with
differing functions is written as the first one has it, with a comment naming the other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..decode.wit import Component, Item, function_shape, ident
from ..escape import escape_text
from ..lint.world import resource_labels

WORLD_PACKAGE = "wasmlint:host"
WORLD_NAME = "plugins"


def _split(name: str) -> tuple[str, str, str] | None:
    """``ns:pkg/iface@ver`` as (``ns:pkg@ver``, ``iface``, ``ns:pkg``); None for a plain name."""
    if ":" not in name or "/" not in name:
        return None
    base, at, version = name.partition("@")
    package, _, interface = base.partition("/")
    return (f"{package}@{version}" if at else package), interface, package


def _member_lines(item: Item, indent: str, package: str | None, free_prefix: str = "") -> list[str]:
    """Types (resources with their functions) then free functions, as WIT declares them."""
    grouped: dict[str, list[str]] = {t.name: [] for t in item.types if t.kind == "resource"}
    free: list[str] = []
    for function in item.functions:
        for prefix in ("[constructor]", "[method]", "[static]"):
            if function.name.startswith(prefix):
                resource, _, member = function.name[len(prefix) :].partition(".")
                if resource in grouped:
                    text = function.text if prefix == "[constructor]" else f"{ident(member)}: {function.text}"
                    grouped[resource].append(f"{indent}  {text};")
                    break
        else:
            free.append(f"{indent}{free_prefix}{ident(function.name)}: {function.text};")
    lines = []
    for typedef in item.types:
        definition = typedef.definition
        if typedef.kind == "use" and package is not None:
            source, _, names = definition[len("use ") :].partition(".{")
            split = _split(source)
            if split is not None and split[0] == package:  # the same package: by the interface's short name
                definition = f"use {ident(split[1])}.{{{names}"
        members = grouped.get(typedef.name) if typedef.kind == "resource" else None
        if members:
            lines += [f"{indent}{definition} {{", *members, f"{indent}}}"]
        elif typedef.kind in ("record", "variant", "enum", "flags"):
            lines.append(f"{indent}{definition}")  # braces end the definition
        else:
            lines.append(f"{indent}{definition};")
    return lines + free


WIT_NAME = re.compile(r"[A-Za-z0-9\-:/@.+\[\]]+")
"""What a name from a binary may hold to be written into WIT text (kebab-case labels, package and version
punctuation, the ``[method]`` prefixes); anything else could change the meaning of the text around it."""


def unwritable(components: Sequence[tuple[str, Component]]) -> list[str]:
    """Names in the components that cannot be written into WIT text as they are, each with its component."""
    found = []
    for path, component in components:
        for item in (*component.imports, *component.exports):
            names = [item.name, *(f.name for f in item.functions), *(t.name for t in item.types)]
            names += [n for f in item.functions for n, _ in f.type.params]
            found += [f"{path}: {escape_text(n)!r}" for n in names if not WIT_NAME.fullmatch(n)]
    return found


def world_for(components: Sequence[tuple[str, Component]]) -> str:
    """The WIT text of package ``wasmlint:host`` with world ``plugins`` for the given (path, component) pairs."""
    seen_shapes: dict[str, dict[str, str]] = {}
    imports: dict[str, tuple[Item, list[str]]] = {}
    for path, component in components:
        labels = resource_labels(component)
        for item in component.imports:
            known = imports.get(item.name)
            if known is None:
                imports[item.name] = (item, [])
                shapes = {f.name: function_shape(f.type, labels) for f in item.functions}
                seen_shapes[item.name] = shapes
                continue
            merged, differing = known
            shapes = seen_shapes[item.name]
            functions = list(merged.functions)
            for function in item.functions:  # each component's instance type holds only what it uses: the union
                this = function_shape(function.type, labels)
                if function.name not in shapes:
                    shapes[function.name] = this
                    functions.append(function)
                elif shapes[function.name] != this and path not in differing:
                    differing.append(path)
            names = {t.name for t in merged.types}
            types = (*merged.types, *(t for t in item.types if t.name not in names))
            imports[item.name] = (Item(merged.name, merged.kind, merged.offset, tuple(functions), types), differing)
    exports: list[Item] = []
    if components:
        first = components[0][1]
        for item in first.exports:
            if all(any(e.name == item.name and e.kind == item.kind for e in c.exports) for _, c in components[1:]):
                exports.append(item)
    lines = [f"package {WORLD_PACKAGE};", "", f"world {WORLD_NAME} {{"]
    packages: dict[str, list[Item]] = {}
    world_level: list[Item] = []
    for name, (item, differing) in imports.items():
        for path in differing:
            lines.append(f"  // {name}: {path} imports a function of it with another type (no host can serve both)")
        split = _split(name)
        if item.kind == "instance" and split is not None:
            packages.setdefault(split[0], []).append(item)
            lines.append(f"  import {name};")
        elif item.kind == "instance":
            lines += [f"  import {ident(name)}: interface {{", *_member_lines(item, "    ", None), "  }"]
        elif item.kind in ("func", "type"):
            world_level.append(item)
    merged = Item(
        "world",
        "instance",
        0,
        tuple(f for i in world_level for f in i.functions),
        tuple(t for i in world_level for t in i.types),
    )
    lines += _member_lines(merged, "  ", None, "import ")
    for item in exports:
        split = _split(item.name)
        if item.kind == "instance" and split is not None:
            if split[0] not in packages or item not in packages[split[0]]:
                packages.setdefault(split[0], []).append(item)
            lines.append(f"  export {item.name};")
        elif item.kind == "instance":
            lines += [f"  export {ident(item.name)}: interface {{", *_member_lines(item, "    ", None), "  }"]
        elif item.kind == "func":
            lines.append(f"  export {ident(item.name)}: {item.functions[0].text};")
    lines.append("}")
    for package, items in packages.items():
        lines += ["", f"package {package} {{"]
        seen: set[str] = set()
        for item in items:
            split = _split(item.name)
            assert split is not None
            if split[1] in seen:
                continue
            seen.add(split[1])
            lines += [f"  interface {ident(split[1])} {{", *_member_lines(item, "    ", package), "  }"]
        lines.append("}")
    return "\n".join(lines) + "\n"
