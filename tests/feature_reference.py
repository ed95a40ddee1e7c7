"""The reference for the wasm features a host refuses: ``wasm-tools validate --features``, and smith modules to try.

A preset that refuses wasm features records in ``module-rules`` the ``wasm-tools validate --features=`` value that
accepts exactly its host's set (``wasm_features_reference``; Soroban's ``-all,mutable-global,sign-extension,
bulk-memory``). wasmlint is right about a module when it reports no refused feature (WL509) exactly when
wasm-tools with that value accepts it. The modules come from ``wasm-tools smith`` under :data:`PROFILES`: a base
of what Soroban accepts (the MVP without floats, plus bulk memory and sign extension; one memory, one table),
and one profile per proposal that also lets smith use that proposal, so that about half of them are refused.
Module ``n`` of seed ``S`` is built from its own random bytes (``random.Random(f"{S}:{n}")``), so any one can be
rebuilt alone. Used by ``tests/test_features.py`` and ``scripts/feature_campaign.py``.
"""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

import reference as R

from wasmlint import Checker, load_presets

BASE = {
    "--allow-floats": "false",
    "--bulk-memory-enabled": "true",
    "--sign-extension-ops-enabled": "true",
    "--saturating-float-to-int-enabled": "false",
    "--multi-value-enabled": "false",
    "--reference-types-enabled": "false",
    "--simd-enabled": "false",
    "--relaxed-simd-enabled": "false",
    "--threads-enabled": "false",
    "--exceptions-enabled": "false",
    "--gc-enabled": "false",
    "--tail-call-enabled": "false",
    "--extended-const-enabled": "false",
    "--memory64-enabled": "false",
    "--custom-page-sizes-enabled": "false",
    "--wide-arithmetic-enabled": "false",
    "--shared-everything-threads-enabled": "false",
    "--custom-descriptors-enabled": "false",
    "--compact-imports-enabled": "false",
    "--max-memories": "1",
    "--max-tables": "1",
    "--max-funcs": "8",
    "--max-instructions": "30",
    "--max-types": "10",
    "--max-imports": "6",
    "--max-exports": "6",
    "--max-globals": "6",
    "--max-data-segments": "2",
    "--max-element-segments": "2",
    "--max-elements": "4",
    "--max-tags": "2",
}
"""What Soroban accepts, as smith options."""

ALL = {
    "--allow-floats": "true",
    "--multi-value-enabled": "true",
    "--reference-types-enabled": "true",
    "--saturating-float-to-int-enabled": "true",
    "--simd-enabled": "true",
    "--relaxed-simd-enabled": "true",
    "--threads-enabled": "true",
    "--exceptions-enabled": "true",
    "--gc-enabled": "true",
    "--tail-call-enabled": "true",
    "--extended-const-enabled": "true",
    "--memory64-enabled": "true",
    "--custom-page-sizes-enabled": "true",
    "--wide-arithmetic-enabled": "true",
    "--max-memories": "3",
    "--max-tables": "3",
}

PROFILES: dict[str, dict[str, str]] = {
    "base": {},
    "floats": {"--allow-floats": "true"},
    "multi-value": {"--multi-value-enabled": "true"},
    "reference-types": {"--reference-types-enabled": "true", "--max-tables": "3"},
    "saturating": {"--allow-floats": "true", "--saturating-float-to-int-enabled": "true"},
    "tail-call": {"--tail-call-enabled": "true"},
    "extended-const": {"--extended-const-enabled": "true"},
    "simd": {"--simd-enabled": "true"},
    "relaxed-simd": {"--simd-enabled": "true", "--relaxed-simd-enabled": "true"},
    "threads": {"--threads-enabled": "true"},
    "exceptions": {"--exceptions-enabled": "true"},
    "gc": {"--gc-enabled": "true", "--reference-types-enabled": "true"},
    "memory64": {"--memory64-enabled": "true"},
    "multi-memory": {"--max-memories": "3"},
    "custom-page-sizes": {"--custom-page-sizes-enabled": "true"},
    "wide-arithmetic": {"--wide-arithmetic-enabled": "true"},
    "compact-imports": {"--compact-imports-enabled": "true"},
    "shared": {
        "--shared-everything-threads-enabled": "true",
        "--gc-enabled": "true",
        "--reference-types-enabled": "true",
        "--threads-enabled": "true",
    },
    "all": ALL,
}

PRESET = "soroban"


def reference_features(preset: str = PRESET) -> str:
    """The preset's ``wasm_features_reference``: the wasm-tools feature set its host accepts."""
    (info,) = load_presets([preset]).preset_info
    rules = info.extra_value("module-rules")
    assert isinstance(rules, dict)
    return str(rules["wasm_features_reference"])


def validates(path: str | os.PathLike[str], features: str) -> tuple[bool, str]:
    """Whether ``wasm-tools validate --features=FEATURES`` accepts the module, and what it said."""
    proc = subprocess.run(
        [R.tool("wasm-tools"), "validate", f"--features={features}", os.fspath(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.returncode == 0, proc.stderr.strip()


def smith_module(directory: str | os.PathLike[str], seed: int, n: int) -> tuple[str, Path] | None:
    """Module ``n`` of seed ``seed`` under profile ``n mod len(PROFILES)``: (id, path), or None when smith
    declines its bytes."""
    names = list(PROFILES)
    profile = names[n % len(names)]
    rng = random.Random(f"{seed}:{n}")
    data = rng.randbytes(rng.randrange(256, 4000))
    ident = f"{profile}-{seed}-{n}"
    path = Path(directory) / f"{ident}.wasm"
    options = {**BASE, **PROFILES[profile]}
    proc = subprocess.run(
        [R.tool("wasm-tools"), "smith", *[f"{flag}={value}" for flag, value in options.items()], "-o", str(path)],
        input=data,
        capture_output=True,
        timeout=120,
    )
    if proc.returncode == 2:
        return None
    if proc.returncode != 0:
        raise R.ToolError(proc.stderr.decode(errors="replace").strip())
    return ident, path


def refused_by_wasmlint(checker: Checker, path: Path) -> list[str]:
    """The subjects of the WL509 wasm-feature findings of ``check --preset soroban`` (through the library)."""
    return sorted(
        f.subject for f in checker.check_bytes(path.read_bytes(), str(path)) if f.code == "WL509" and f.subject
    )


def soroban_checker() -> Checker:
    return Checker(load_presets([PRESET]), select=["WL509"])


def with_named(reference: str, named: list[str]) -> str:
    """The reference set plus the features wasmlint named (in wasm-tools' spelling), and ``gc-types``: wasm-tools
    gates every reference type but funcref behind that internal feature, which has no wasmi counterpart."""
    return ",".join([reference, "gc-types", *(feature.replace("_", "-") for feature in named)])
