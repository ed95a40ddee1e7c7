"""The wasm features a preset's host refuses (WL509): one finding per refused feature the module uses.

A preset lists them in ``[preset] module-rules`` as ``wasm_features_refused`` (Soroban's: what its wasmi turns
off, and what that wasmi cannot do at all), with ``wasm_features_about`` saying why. The host refuses the whole
module at upload when any function, type, global, table, segment or import uses one, so each is reported once, at
its first use (``decode/features.py``). The code is read only for such a preset, and only then are the module's
bytes needed: ``data`` gives them lazily (None when the caller has only the decoded module, which is then reported
as not checkable rather than passed). A use the scan cannot read is reported as ``unknown``: the module may use a
refused feature past it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .diagnostics import Finding, Location

if TYPE_CHECKING:
    from ..decode.reader import Buffer
    from ..manifest.presetinfo import PresetInfo
    from ..model import Module

DataSource = Callable[[], "Buffer | None"]
"""Gives the module's bytes when called, or None when they cannot be had."""


def refused_features(info: PresetInfo) -> tuple[str, ...]:
    """The features the preset's host refuses (empty when it lists none)."""
    rules = info.extra_value("module-rules")
    refused = rules.get("wasm_features_refused") if isinstance(rules, dict) else None
    return tuple(str(feature) for feature in refused) if isinstance(refused, list) else ()


def feature_findings(path: str, module: Module, info: PresetInfo, data: DataSource | None) -> list[Finding]:
    from ..decode.code_features import UNKNOWN
    from ..decode.features import scan_features
    from .checks import finding

    refused = refused_features(info)
    if not refused or module.kind != "module":
        return []
    buffer = data() if data is not None else None
    if buffer is None:
        message = (
            f"the module's bytes were not given, so the wasm features it uses (which {info.name} may refuse) "
            "were not checked: check its bytes or its file"
        )
        return [finding("WL509", message, Location(path), subject="wasm-features")]
    found = []
    for use in scan_features(buffer, module):
        if use.feature == UNKNOWN:
            message = (
                f"{use.where}: {use.what}; the wasm features used past it are unknown, and {info.name} refuses "
                f"{', '.join(refused)}"
            )
        elif use.feature in refused:
            message = (
                f"the module uses the wasm feature {use.feature} ({use.where}: {use.what}), which {info.name} refuses"
            )
        else:
            continue
        found.append(finding("WL509", message, Location(path, use.offset), subject=use.feature))
    return found


def file_bytes(path: str) -> Buffer | None:
    """The bytes of the file at ``path``, or None when there is none (a module given as bytes or decoded)."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None
