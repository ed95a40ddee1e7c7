"""The listing of a module's imports and exports: the public JSON shape of ``wasmlint inspect`` and its text form.

The JSON shape is a contract that others script against (its schema ships as ``schemas/inspect.schema.json``):
change it only by adding keys.
"""

from __future__ import annotations

from typing import Any

from ..model import (
    COMPONENT_NOTE,
    DEFAULT_PAGE_SIZE,
    ExternType,
    FuncType,
    GlobalType,
    Import,
    MemoryType,
    Module,
    TableType,
    TagType,
)


def type_to_json(extern: ExternType) -> dict[str, Any]:
    if isinstance(extern, (FuncType, TagType)):
        return {"params": list(extern.params), "results": list(extern.results)}
    if isinstance(extern, MemoryType):
        found: dict[str, Any] = {
            "min": extern.min,
            "max": extern.max,
            "shared": extern.shared,
            "index": extern.index,
        }
        if extern.page_size != DEFAULT_PAGE_SIZE:
            found["page_size"] = extern.page_size
        return found
    if isinstance(extern, TableType):
        found = {"element": extern.element, "min": extern.min, "max": extern.max, "index": extern.index}
        if extern.shared:
            found["shared"] = True
        return found
    assert isinstance(extern, GlobalType)
    found = {"value": extern.value, "mutable": extern.mutable}
    if extern.shared:
        found["shared"] = True
    return found


def module_to_json(path: str, module: Module) -> dict[str, Any]:
    warnings = [{"offset": w.offset, "message": w.message} for w in module.warnings]
    if module.kind == "component":
        warnings.append({"offset": 0, "message": COMPONENT_NOTE})
    return {
        "path": path,
        "kind": module.kind,
        "imports": [
            {"module": imp.module, "name": imp.name, "kind": imp.kind, "type": type_to_json(imp.type)}
            for imp in module.imports
        ],
        "exports": [{"name": exp.name, "kind": exp.kind, "type": type_to_json(exp.type)} for exp in module.exports],
        "producers": {
            field: [{"name": name, "version": version} for name, version in pairs]
            for field, pairs in module.producers.items()
        },
        "warnings": warnings,
    }


def error_to_json(path: str, offset: int | None, message: str) -> dict[str, Any]:
    return {"path": path, "error": {"offset": offset, "message": message}}


def _shown(name: str) -> str:
    """Names come from untrusted binaries: quote any that would not print as one plain token."""
    if name and name.isprintable() and " " not in name and '"' not in name:
        return name
    import json

    return json.dumps(name)


def _printed(text: str) -> str:
    """Free text from the binary (a module name, producers), with any control character escaped."""
    if text.isprintable():
        return text
    import json

    return json.dumps(text)[1:-1]


def _index_spaces(imports: tuple[Import, ...]) -> list[int]:
    """The index of each import in its kind's index space (the first imported function is function 0)."""
    seen: dict[str, int] = {}
    indices = []
    for imp in imports:
        indices.append(seen.get(imp.kind, 0))
        seen[imp.kind] = indices[-1] + 1
    return indices


NAME_COLUMN_LIMIT = 60
"""Names up to this many characters set the width of the name column; longer ones overflow it."""


def module_to_text(path: str, module: Module) -> str:
    if module.kind == "component":
        return f"{path}: component\n  note: {COMPONENT_NOTE}\n"
    lines = [f"{path}: module, {len(module.imports)} imports, {len(module.exports)} exports"]
    if module.module_name:
        lines.append(f"  name: {_printed(module.module_name)}")
    if module.producers:
        described = "; ".join(
            f"{field} " + ", ".join(f"{name} {version}".strip() for name, version in pairs)
            for field, pairs in module.producers.items()
        )
        lines.append(f"  producers: {_printed(described)}")
    # Rows of (direction, index, kind, name, type), in columns as wide as their widest cell, except that a name
    # wider than NAME_COLUMN_LIMIT overflows its column rather than widening it (a WasmGC module imports strings
    # named by their text, thousands of characters long: every other line would be padded to that).
    texts: dict[int, str] = {}  # the text of each type, made once per module (imports and exports share them)

    def shown_type(extern: ExternType) -> str:
        found = texts.get(id(extern))
        if found is None:
            found = texts[id(extern)] = str(extern)
        return found

    rows = [
        ("import", str(index), imp.kind, f"{_shown(imp.module)}.{_shown(imp.name)}", shown_type(imp.type))
        for imp, index in zip(module.imports, _index_spaces(module.imports))
    ]
    rows += [("export", str(exp.index), exp.kind, _shown(exp.name), shown_type(exp.type)) for exp in module.exports]
    if rows:
        index_width = max(len(row[1]) for row in rows)
        kind_width = max(len(row[2]) for row in rows)
        name_width = max((len(row[3]) for row in rows if len(row[3]) <= NAME_COLUMN_LIMIT), default=0)
        lines += [
            f"  {direction} {index.rjust(index_width)}  {kind.ljust(kind_width)}  {name.ljust(name_width)}  {extern}"
            for direction, index, kind, name, extern in rows
        ]
    for warning in module.warnings:
        lines.append(f"  warning: {warning.message} (at offset 0x{warning.offset:x})")
    return "\n".join(lines) + "\n"


# --- the JSON text of a listing, written directly --------------------------------------------------------------


def module_json_text(path: str, module: Module) -> str:
    """``jsontext.dumps(module_to_json(path, module), ensure_ascii=False, level=1)``, the same characters written
    straight from the model: an import or export is a few formatted lines, and the text of each type is made once
    per module (a module's imports and exports share a handful of type objects), so a listing costs less than the
    decoding it lists. ``tests/test_render_throughput.py`` holds it to the dict-then-dump route."""
    from .jsontext import dumps

    if module.kind == "component" or module.warnings:
        return dumps(module_to_json(path, module), ensure_ascii=False, level=1)
    from json.encoder import encode_basestring as encode

    typed: dict[int, str] = {}

    def type_text(extern: ExternType) -> str:
        found = typed.get(id(extern))
        if found is None:
            found = typed[id(extern)] = dumps(type_to_json(extern), ensure_ascii=False, level=4)
        return found

    i3, i4 = "\n      ", "\n        "
    imports = [
        f'{{{i4}"module": {encode(imp.module)},{i4}"name": {encode(imp.name)},{i4}"kind": {encode(imp.kind)},'
        f'{i4}"type": {type_text(imp.type)}{i3}}}'
        for imp in module.imports
    ]
    exports = [
        f'{{{i4}"name": {encode(exp.name)},{i4}"kind": {encode(exp.kind)},{i4}"type": {type_text(exp.type)}{i3}}}'
        for exp in module.exports
    ]
    i2 = "\n    "
    producers = {
        field: [{"name": name, "version": version} for name, version in pairs]
        for field, pairs in module.producers.items()
    }
    return (
        f'{{{i2}"path": {encode(path)},{i2}"kind": {encode(module.kind)},'
        f'{i2}"imports": {"[" + i3 + ("," + i3).join(imports) + i2 + "]" if imports else "[]"},'
        f'{i2}"exports": {"[" + i3 + ("," + i3).join(exports) + i2 + "]" if exports else "[]"},'
        f'{i2}"producers": {dumps(producers, ensure_ascii=False, level=2)},'
        f'{i2}"warnings": []'
        "\n  }"
    )
