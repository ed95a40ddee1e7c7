"""The listing of a component's imports and exports: ``wasmlint inspect``'s JSON for a component, and its text,
which reads as WIT.

The JSON shape is the same contract as a module's (``schemas/inspect.schema.json``), grown by keys only: each
import and export has ``name`` and ``kind``; an interface (``instance``) has its ``functions`` (each ``{name,
type}``, the name as the binary spells it and the type as ``wasm-tools component wit`` prints it), its named
``types`` (each ``{name, kind, definition}``) and its ``resources``; a ``func`` or ``type`` item has its ``type``.
"""

from __future__ import annotations

from typing import Any

from ..decode.wit import Component, Item, ident
from ..escape import escape_text


def item_to_json(item: Item) -> dict[str, Any]:
    found: dict[str, Any] = {"name": item.name, "kind": item.kind, "offset": item.offset}
    if item.kind == "instance":
        found["functions"] = [{"name": f.name, "type": f.text} for f in item.functions]
        found["types"] = [{"name": t.name, "kind": t.kind, "definition": t.definition} for t in item.types]
        found["resources"] = list(item.resources)
        if item.implements is not None:
            found["implements"] = item.implements
    elif item.kind == "func":
        found["type"] = item.functions[0].text
        found["functions"] = [{"name": item.name, "type": item.functions[0].text}]
    elif item.kind == "type" and item.types:  # (a component or instance type, as WIT packages export, has none)
        found["type"] = item.types[0].definition
        found["types"] = [{"name": t.name, "kind": t.kind, "definition": t.definition} for t in item.types]
    return found


def component_to_json(path: str, component: Component) -> dict[str, Any]:
    return {
        "path": path,
        "kind": "component",
        "imports": [item_to_json(item) for item in component.imports],
        "exports": [item_to_json(item) for item in component.exports],
        "producers": {
            field: [{"name": name, "version": version} for name, version in pairs]
            for field, pairs in component.producers.items()
        },
        "warnings": [],
    }


def _member_name(name: str) -> tuple[str | None, str]:
    """(resource, member) of a function name: ``[method]conn.send`` is ``("conn", "send")``, ``log`` is
    ``(None, "log")``; a constructor's member is empty."""
    for prefix in ("[constructor]", "[method]", "[static]"):
        if name.startswith(prefix):
            rest = name[len(prefix) :]
            if prefix == "[constructor]":
                return rest, ""
            resource, dot, member = rest.partition(".")
            if dot:
                return resource, member
    return None, name


def _interface_lines(item: Item) -> list[str]:
    """An interface as WIT writes it: types, each resource with its functions, then the free functions."""
    grouped: dict[str, list[str]] = {name: [] for name in item.resources}
    free: list[str] = []
    for function in item.functions:
        resource, member = _member_name(function.name)
        text = escape_text(function.text)
        if resource in grouped:
            grouped[resource].append(f"      {text};" if not member else f"      {ident(escape_text(member))}: {text};")
        else:
            free.append(f"    {ident(escape_text(function.name))}: {text};")
    lines = []
    for t in item.types:
        definition = escape_text(t.definition)
        members = grouped.get(t.name) if t.kind == "resource" else None
        lines += [f"    {definition} {{", *members, "    }"] if members else [f"    {definition};"]
    return lines + free


def item_to_text(direction: str, item: Item) -> list[str]:
    name = escape_text(item.name)
    if item.kind == "func":
        return [f"  {direction} {ident(name)}: {escape_text(item.functions[0].text)};"]
    if item.kind == "type" and item.types:
        return [f"  {direction} {escape_text(item.types[0].definition)};"]
    if item.kind != "instance":
        return [f"  {direction} {name}: {item.kind};"]
    header = f"  {direction} {name}"
    if item.implements is not None:
        header += f" (implements {escape_text(item.implements)})"
    if not item.functions and not item.types:
        return [header + ": interface {}"]
    return [header + ": interface {", *_interface_lines(item), "  }"]


def component_to_text(path: str, component: Component) -> str:
    lines = [f"{path}: component, {len(component.imports)} imports, {len(component.exports)} exports"]
    if component.producers:
        described = "; ".join(
            f"{field} " + ", ".join(f"{name} {version}".strip() for name, version in pairs)
            for field, pairs in component.producers.items()
        )
        lines.append(f"  producers: {escape_text(described)}")
    for item in component.imports:
        lines += item_to_text("import", item)
    for item in component.exports:
        lines += item_to_text("export", item)
    return "\n".join(lines) + "\n"
