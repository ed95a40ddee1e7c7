"""Which ecosystem presets a plugin was built for, so that ``wasmlint init`` names them instead of listing their
functions one by one.

The evidence must be unambiguous: an explicit version marker the preset knows (proxy-wasm's ABI export, CosmWasm's
interface export, Soroban's environment section), or an import that is exactly (namespace, name, type) a function
of the preset in a namespace that only this preset provides (``ic0``, ``vm_hooks``, ``shopify_function_v2``).
Namespaces several hosts share (``env``, ``wasi_snapshot_preview1``) are evidence of nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..manifest.load import preset_manifest
from ..manifest.values import PRESETS, Manifest
from ..model import Module

ORIGINAL = ("wasi_snapshot_preview1", "extism")
EXPLICIT_MARKERS = ("proxy-wasm-abi-export", "cosmwasm-interface-version", "soroban-env-meta")


def recognised_presets(modules: Sequence[Module]) -> list[str]:
    """The ecosystem presets that some module was evidently built for, in ``PRESETS`` order."""
    from ..lint.markers import read_marker

    manifests = {name: preset_manifest([name]) for name in PRESETS if name not in ORIGINAL}
    owners: dict[str, set[str]] = {}
    for name, manifest in manifests.items():
        for entry in manifest.provided:
            owners.setdefault(entry.namespace, set()).add(name)
    found = []
    for name, manifest in manifests.items():
        info = manifest.preset_info[0] if manifest.preset_info else None
        for module in modules:
            if module.kind != "module":
                continue
            if info is not None and info.marker in EXPLICIT_MARKERS:
                reading = read_marker("", module, info)
                if reading is not None and reading.version is not None and not reading.findings:
                    found.append(name)
                    break
            if _imports_own_function(module, manifest, name, owners):
                found.append(name)
                break
    return found


def _imports_own_function(module: Module, manifest: Manifest, name: str, owners: dict[str, set[str]]) -> bool:
    own = {
        (entry.namespace, entry.name, entry.kind, entry.type)
        for entry in manifest.provided
        if owners.get(entry.namespace) == {name} and not entry.namespace.startswith("wasi_") and not entry.pattern
    }
    return any((imp.module, imp.name, imp.kind, imp.type) in own for imp in module.imports)
