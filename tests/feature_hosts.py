"""Smith modules for the Stylus and Internet Computer feature sets, beside ``feature_reference``'s Soroban ones.

``feature_reference`` builds its smith modules from a base of what Soroban accepts; a host that accepts more (the
Internet Computer: floats, multi-value, reference types, SIMD, memory64) needs a base of its own, or every module
would stay inside Soroban's narrower set and the host's accepted features would go untried. Each host here has a
base (what it accepts, as smith options) and the profiles to draw from: for Stylus all of
``feature_reference.PROFILES``; for the IC those of the features it refuses, never those of a feature the preset
leaves unverified (``wasm_features_unverified``: neither refused by wasmlint nor accepted by the reference, so a
module using one would be a disagreement about nothing the preset claims).
Module ``n`` of seed ``S`` is built from its own random bytes, as in ``feature_reference``. Used by
``tests/test_features_stylus_ic.py`` and ``scripts/feature_campaign.py --preset``.
"""

from __future__ import annotations

import os
from pathlib import Path

import feature_reference as F

from wasmlint import Checker, load_presets

BASES: dict[str, dict[str, str]] = {
    "stylus": {**F.BASE, "--saturating-float-to-int-enabled": "true"},
    "ic": {
        **F.BASE,
        "--allow-floats": "true",
        "--saturating-float-to-int-enabled": "true",
        "--multi-value-enabled": "true",
        "--reference-types-enabled": "true",
        "--simd-enabled": "true",
        "--memory64-enabled": "true",
        "--max-tables": "3",
    },
}
"""What each host accepts, as smith options (one memory: neither accepts multi-memory)."""

IC_REFUSED_PROFILES = ("base", "extended-const", "relaxed-simd", "threads", "gc", "multi-memory")
"""The profiles that try what the IC refuses (what it accepts is in its base already)."""

PROFILES: dict[str, dict[str, dict[str, str]]] = {
    "stylus": dict(F.PROFILES),
    "ic": {
        **{name: options for name, options in F.PROFILES.items() if name in IC_REFUSED_PROFILES},
        "all-verified": {
            "--relaxed-simd-enabled": "true",
            "--threads-enabled": "true",
            "--gc-enabled": "true",
            "--extended-const-enabled": "true",
            "--max-memories": "3",
        },
    },
}


def unverified(preset: str) -> set[str]:
    """The preset's ``wasm_features_unverified`` (empty when it has none)."""
    (info,) = load_presets([preset]).preset_info
    rules = info.extra_value("module-rules")
    assert isinstance(rules, dict)
    return {str(feature) for feature in rules.get("wasm_features_unverified", [])}


def checker(preset: str) -> Checker:
    return Checker(load_presets([preset]), select=["WL509"])


def refused_by_wasmlint(preset: str, check: Checker, path: Path) -> list[str]:
    """The features of the WL509 findings of ``check`` (the preset's checker), sorted: Stylus's WL509 also reports
    its module shape (a start function, the memory), which is not a feature and which wasm-tools does not judge;
    the instructions it refuses more finely than a feature (``feature_reference.FINER``) are kept."""
    features = set(refused(preset)) | {"unknown"} | F.FINER
    return sorted(subject for subject in F.refused_by_wasmlint(check, path) if subject in features)


def refused(preset: str) -> list[str]:
    """The preset's ``wasm_features_refused``."""
    (info,) = load_presets([preset]).preset_info
    rules = info.extra_value("module-rules")
    assert isinstance(rules, dict)
    return [str(feature) for feature in rules["wasm_features_refused"]]


def smith_module(directory: str | os.PathLike[str], preset: str, seed: int, n: int) -> tuple[str, Path] | None:
    """Module ``n`` of seed ``seed`` for ``preset``, under its profile ``n mod len(profiles)``: (id, path), or None
    when smith declines its bytes."""
    return F.smith_module(directory, seed, n, BASES[preset], PROFILES[preset], host=preset)
