"""Write a first manifest from plugins: exactly what they import beyond the presets it recognises.

Used by ``wasmlint init``. The output is TOML text, sorted, with each entry commented with the plugins that need
it, so that ``wasmlint check`` passes on those plugins with it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence

from ..lint.checks import import_against_entry
from ..manifest.load import preset_manifest
from ..manifest.values import PRESETS, Manifest, Provided
from ..model import FuncType, GlobalType, Import, MemoryType, Module, TableType, TagType

PRESET_NAMESPACES = {"wasi_snapshot_preview1": "wasi_snapshot_preview1", "extism:host/env": "extism"}


def toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, except that TOML also wants DEL escaped."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_key(text: str) -> str:
    bare = text and all(c.isascii() and (c.isalnum() or c in "_-") for c in text)
    return text if bare else toml_string(text)


def expressible(imp: Import) -> bool:
    """A manifest spells no module-specific type indices: such imports cannot be written down."""
    types = (
        (*imp.type.params, *imp.type.results)
        if isinstance(imp.type, (FuncType, TagType))
        else (imp.type.element,)
        if isinstance(imp.type, TableType)
        else (imp.type.value,)
        if isinstance(imp.type, GlobalType)
        else ()
    )
    return not any(t.startswith("(ref") and t.rstrip(")").split()[-1].isdigit() for t in types)


def entry_value(imp: Import) -> str:
    t = imp.type
    if isinstance(t, FuncType):
        return toml_string(str(t))
    if isinstance(t, TagType):
        return f'{{ kind = "tag", signature = {toml_string(str(FuncType(t.params, t.results)))} }}'
    if isinstance(t, GlobalType):
        return f'{{ kind = "global", type = {toml_string(t.value)}, mutable = {str(t.mutable).lower()} }}'
    assert isinstance(t, (MemoryType, TableType))
    parts = [f'kind = "{imp.kind}"']
    if isinstance(t, TableType):
        parts.append(f"element = {toml_string(t.element)}")
    parts.append(f"min = {t.min}")
    if t.max is not None:
        parts.append(f"max = {t.max}")
    if t.index != "i32":
        parts.append(f'index = "{t.index}"')
    if t.shared:
        parts.append("shared = true")
    if isinstance(t, MemoryType) and t.page_size != 65536:
        parts.append(f"page_size = {t.page_size}")
    return "{ " + ", ".join(parts) + " }"


def manifest_for(plugins: Sequence[tuple[str, Module]], host: str = "my-host") -> str:
    from .recognise import recognised_presets

    presets = sorted(
        {PRESET_NAMESPACES[imp.module] for _, m in plugins for imp in m.imports if imp.module in PRESET_NAMESPACES},
        key=PRESETS.index,
    )
    ecosystems = recognised_presets([module for _, module in plugins])
    if ecosystems:  # a host that links its own WASI subset (Envoy, function-runner) is not all of WASI
        own_wasi = any(e.namespace in PRESET_NAMESPACES for e in preset_manifest(ecosystems).provided)
        presets = [p for p in presets if not (own_wasi and p == "wasi_snapshot_preview1")] + ecosystems
    known: Manifest = preset_manifest(presets)
    seen: dict[tuple[str, str], list[tuple[str, Import]]] = defaultdict(list)
    skipped: list[str] = []
    for path, module in plugins:
        for imp in module.imports:
            if expressible(imp):
                seen[(imp.module, imp.name)].append((path, imp))
            else:
                skipped.append(f"{imp.module}.{imp.name} {imp.type} (in {path})")
    needs: dict[tuple[str, str], tuple[Import, bool]] = {}
    users: dict[tuple[str, str], list[str]] = defaultdict(list)
    conflicts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, uses in seen.items():
        provided = known.lookup(*key)
        candidates = [e for e in known.provided if (e.namespace, e.name) == key]  # every version's
        differing = [(p, i) for p, i in uses if all(any(import_against_entry(p, i, e)) for e in candidates)]
        if not differing:
            continue
        chosen = differing[0][1]
        needs[key] = (chosen, provided is not None)
        as_provided = Provided(chosen.module, chosen.name, chosen.kind, chosen.type)
        for path, imp in uses:
            if not any(import_against_entry(path, imp, as_provided)):
                if path not in users[key]:
                    users[key].append(path)
            else:
                conflicts[key].append(f"{path} imports it as {imp.kind} {imp.type}")
    lines = [
        "# Host ABI manifest written by `wasmlint init`; edit it to describe your host.",
        f"# From: {_few([path for path, _ in plugins], 'plugins')}",
        "",
        "[host]",
        f"name = {toml_string(host)}",
        f"presets = [{', '.join(toml_string(p) for p in presets)}]",
    ]
    namespace = None
    for key in sorted(needs):
        if key[0] != namespace:
            namespace = key[0]
            lines += ["", f"[imports.{toml_key(namespace)}]"]
        imp, overrides_preset = needs[key]
        note = " (differs from the preset)" if overrides_preset else ""
        lines.append(f"# needed by {_few(users[key], 'plugins')}{note}")
        differ = conflicts.get(key, [])
        for conflict in differ[:NAMED]:
            lines.append(f"# CONFLICT: {conflict}; no host can satisfy both")
        if len(differ) > NAMED:
            lines.append(f"# CONFLICT: and {len(differ) - NAMED} more plugins import it with another type")
        value = entry_value(imp)
        if "*" in key[1] or "?" in key[1]:  # spelled literally, not as a name pattern
            value = (
                value[:-2] + ", pattern = false }"
                if value.startswith("{")
                else f"{{ signature = {value}, pattern = false }}"
            )
        lines.append(f"{toml_key(key[1])} = {value}")
    declared = {spec.name for spec in known.exports}  # the presets' own exports are theirs to describe
    exports = [item for item in _common_exports([m for _, m in plugins]) if item[0] not in declared]
    if exports:
        lines += ["", "# Exports every given plugin has; the host may call them.", "[exports]"]
        for name, signature in exports:
            lines.append(f"{toml_key(name)} = {{ signature = {toml_string(signature)}, required = false }}")
    if skipped:
        lines += ["", "# Not written: these imports use module-specific type indices, which a manifest cannot spell:"]
        lines += [f"#   {item}" for item in skipped]
    return "\n".join(lines) + "\n"


NAMED = 3
"""Plugins named in a comment; beyond that it says how many more (a folder of plugins makes lines of hundreds)."""


def _few(paths: list[str], what: str) -> str:
    """``a, b, c``, or for more than :data:`NAMED`: ``13 plugins: a, b, c and 10 more``."""
    if len(paths) <= NAMED:
        return ", ".join(paths)
    return f"{len(paths)} {what}: {', '.join(paths[:NAMED])} and {len(paths) - NAMED} more"


def _common_exports(modules: list[Module]) -> list[tuple[str, str]]:
    if not modules:
        return []
    common = None
    for module in modules:
        here = {
            (e.name, str(e.type))
            for e in module.exports
            if isinstance(e.type, FuncType) and expressible(Import("", e.name, e.kind, e.type))
        }
        common = here if common is None else common & here
    return sorted(common or ())
