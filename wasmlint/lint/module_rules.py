"""Structural rules a preset's host applies to the module as a whole (WL509), beyond its imports and exports.

A preset's ``[preset] module-rules`` table records what its host refuses about a module's shape, as the data
helpers read it in the host's source. Most of it is documentation; the rules below are the ones that can be
decided from the module model, each recognised by its key:

``start_function``
    the host refuses a module with a start function (Arbitrum Stylus: "wasm start functions not allowed").
``memories``, when it begins "exactly one"
    the module must have exactly one memory, imported or defined (Stylus, CosmWasm).

and a preset's ``export-families`` (exports named by a prefix, such as the IC's ``canister_query NAME``): each
export of the family must be a function of the family's type, or the host refuses the module (WL202).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .diagnostics import Finding, Location

if TYPE_CHECKING:
    from ..manifest.presetinfo import PresetInfo
    from ..model import Module


def module_findings(path: str, module: Module, info: PresetInfo) -> list[Finding]:
    from .checks import finding

    found = _family_findings(path, module, info)
    rules = info.extra_value("module-rules")
    if not isinstance(rules, dict):
        return found
    start = rules.get("start_function")
    if isinstance(start, str) and module.start is not None:
        found.append(
            finding(
                "WL509",
                f"the module has a start function (function {module.start}), which {info.name} refuses: {start}",
                Location(path),
                subject="start_function",
            )
        )
    memories = rules.get("memories")
    count = len(module.memories) + sum(1 for imp in module.imports if imp.kind == "memory")
    if isinstance(memories, str) and memories.startswith("exactly one") and count != 1:
        found.append(
            finding(
                "WL509",
                f"the module has {count} memories; {info.name} needs {memories}",
                Location(path),
                subject="memories",
            )
        )
    return found


def _family_findings(path: str, module: Module, info: PresetInfo) -> list[Finding]:
    from ..manifest.signature import SignatureError, parse_signature
    from .checks import finding

    families = info.extra_value("export-families")
    if not isinstance(families, list):
        return []
    found = []
    for family in families:
        if not isinstance(family, dict) or not isinstance(family.get("prefix"), str):
            continue
        prefix = family["prefix"]
        try:
            wanted = parse_signature(str(family.get("signature")))
        except SignatureError:
            continue
        for exp in module.exports:
            if exp.name.startswith(prefix) and (exp.kind != "func" or exp.type != wanted):
                what = exp.type if exp.kind == "func" else f"a {exp.kind}"
                found.append(
                    finding(
                        "WL202",
                        f"export {exp.name} is {what}; the host calls every {prefix.strip()} export as {wanted}",
                        Location(path, exp.offset),
                        subject=exp.name,
                    )
                )
    return found
