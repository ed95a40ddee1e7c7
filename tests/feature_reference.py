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
import re
import subprocess
from pathlib import Path
from typing import Any

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


def build_module(directory: Path, name: str, body: str, *, prefix: str = "") -> Path:
    """``(module PREFIX BODY)`` assembled by ``wasm-tools parse`` into ``directory/NAME.wasm`` (the feature tests'
    small modules, each using one feature)."""
    text = directory / f"{name}.wat"
    text.write_text(f"(module {prefix} {body})" if prefix else f"(module {body})", encoding="utf-8")
    out = directory / f"{name}.wasm"
    subprocess.run([R.tool("wasm-tools"), "parse", str(text), "-o", str(out)], check=True, capture_output=True)
    return out


def smith_module(
    directory: str | os.PathLike[str],
    seed: int,
    n: int,
    base: dict[str, str] | None = None,
    profiles: dict[str, dict[str, str]] | None = None,
    *,
    host: str = "",
) -> tuple[str, Path] | None:
    """Module ``n`` of seed ``seed`` under profile ``n mod len(profiles)`` (default Soroban's :data:`BASE` and
    :data:`PROFILES`): (id, path), or None when smith declines its bytes. ``host`` names another host's series
    (``feature_hosts``): its modules are drawn from their own random bytes and named after it."""
    profiles = PROFILES if profiles is None else profiles
    names = list(profiles)
    profile = names[n % len(names)]
    rng = random.Random(f"{host}:{seed}:{n}" if host else f"{seed}:{n}")
    data = rng.randbytes(rng.randrange(256, 4000))
    ident = f"{profile}-{seed}-{n}"
    path = Path(directory) / (f"{host}-{ident}.wasm" if host else f"{ident}.wasm")
    options = {**(BASE if base is None else base), **profiles[profile]}
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
    gates every reference type but funcref behind that internal feature, which has no wasmi counterpart. What
    wasmlint names that is no wasm feature (:data:`FINER`: refused instructions, constant expressions) needs none."""
    return ",".join([reference, "gc-types", *(f.replace("_", "-") for f in named if f not in FINER)])


# --- what a host refuses more finely than a feature: instructions, constant expressions -----------------------------

_FLOAT_MOVES = {
    "f32.const",
    "f64.const",
    "f32.load",
    "f64.load",
    "f32.store",
    "f64.store",
    "i32.reinterpret_f32",
    "i64.reinterpret_f64",
    "f32.reinterpret_i32",
    "f64.reinterpret_i64",
}
"""The float instructions that move bits without computing (what nitro's wasm_to_wavm builds without a float!)."""

FINER_GROUPS = {
    "float_arithmetic": lambda op: (
        (op.startswith(("f32.", "f64.")) or "_f32" in op or "_f64" in op) and op not in _FLOAT_MOVES
    ),
    "bulk_memory_segments": lambda op: op in {"memory.init", "data.drop", "table.init", "elem.drop", "table.copy"},
}
"""Each group a preset's ``wasm_operators_refused`` may name, as a test on ``wasm-tools print``'s spelling of an
instruction: written from the rule (every float instruction but those moving bits; the bulk-memory instructions
that use a segment or a second table), not from wasmlint's table of encodings."""

CONSTANT_EXPRESSIONS = "constant_expressions"
FINER = {*FINER_GROUPS, CONSTANT_EXPRESSIONS}
"""WL509 subjects that are no wasm feature of wasm-tools: the reference judges them from ``wasm-tools print``."""


def printed(path: str | os.PathLike[str]) -> str:
    return subprocess.run(
        [R.tool("wasm-tools"), "print", os.fspath(path)], capture_output=True, text=True, check=True, timeout=120
    ).stdout


def code_operators(path: str | os.PathLike[str]) -> set[str]:
    """The instructions of the module's function bodies, as ``wasm-tools print`` spells them."""
    found: set[str] = set()
    in_func = False
    for line in printed(path).split("\n"):
        if line.startswith("  (") and not line.startswith("   "):
            in_func = line.startswith("  (func")
            continue
        stripped = line.strip()
        if in_func and stripped and stripped[0] not in "();":
            found.add(stripped.split()[0])
    return found


_INSTRUCTION = re.compile(r"(?<![\w.$])[a-z][a-z0-9_]*\.[a-z0-9_.]+")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def constant_operators(path: str | os.PathLike[str]) -> set[str]:
    """The instructions of the module's constant expressions (global and table initialisers, element and data
    segments), read from the text of those fields in ``wasm-tools print``, strings left out."""
    found: set[str] = set()
    for line in printed(path).split("\n"):
        if line.startswith(("  (global", "  (elem", "  (data", "  (table")):
            found |= set(_INSTRUCTION.findall(_STRING.sub("", line)))
    return found


def finer_refusals(path: str | os.PathLike[str], groups: list[str], constants: list[str] | None) -> list[str]:
    """What the reference says the host refuses more finely than a feature: each group of ``groups`` one of whose
    instructions the code uses, and ``constant_expressions`` when a constant expression holds an instruction not in
    ``constants`` (None: no such rule)."""
    operators = code_operators(path) if groups else set()
    found = [group for group in groups if any(FINER_GROUPS[group](op) for op in operators)]
    if constants is not None and constant_operators(path) - set(constants):
        found.append(CONSTANT_EXPRESSIONS)
    return found


def module_rules(preset: str) -> dict[str, Any]:
    (info,) = load_presets([preset]).preset_info
    rules = info.extra_value("module-rules")
    assert isinstance(rules, dict)
    return rules


def host_accepts_features(path: str | os.PathLike[str], preset: str = PRESET) -> tuple[bool, str]:
    """The reference verdict for a preset with one set: ``wasm-tools validate --features=`` its
    ``wasm_features_reference`` accepts the module, and ``wasm-tools print`` shows no instruction it refuses more
    finely (``wasm_operators_refused``, ``constant_expression_operators``)."""
    rules = module_rules(preset)
    accepted, said = validates(path, str(rules["wasm_features_reference"]))
    if not accepted:
        return False, said
    constants = rules.get("constant_expression_operators")
    finer = finer_refusals(path, list(rules.get("wasm_operators_refused", [])), constants)
    return (not finer, f"refused more finely: {finer}" if finer else "")


# --- presets whose refusals change between host releases (CosmWasm) ------------------------------------------------

COSMWASM_BASE = {**BASE, "--bulk-memory-enabled": "false", "--sign-extension-ops-enabled": "false"}
"""The MVP without floats: what every cosmwasm-vm release accepts."""

COSMWASM_PROFILES: dict[str, dict[str, str]] = {
    **{name: {**options, "--max-tables": "1"} for name, options in PROFILES.items()},
    "sign-extension": {"--sign-extension-ops-enabled": "true"},
    "bulk-memory": {"--bulk-memory-enabled": "true"},
    "floats-2": {"--allow-floats": "true", "--multi-value-enabled": "true"},
}
"""Soroban's profiles with one table at most (a second table is the ``table_count`` limit's from 1.3, and before
it a count parity-wasm lets through: the WAT cases prove that), and the two proposals Soroban's base has on."""


def release_entries(preset: str) -> list[dict[str, Any]]:
    """The preset's ``wasm_features_by_release`` entries, oldest first."""
    (info,) = load_presets([preset]).preset_info
    rules = info.extra_value("module-rules")
    assert isinstance(rules, dict)
    entries = rules["wasm_features_by_release"]
    assert isinstance(entries, list)
    return entries


def entry_for(preset: str, release: str) -> dict[str, Any]:
    """The entry in force at ``release`` (by the preset's own host releases)."""
    (info,) = load_presets([preset]).preset_info
    axis = info.host_versions
    for entry in release_entries(preset):
        since, until = entry["since"], entry.get("until")
        if axis.index(since) <= axis.index(release) and (until is None or axis.index(release) < axis.index(until)):
            return entry
    raise AssertionError(f"no entry for {release}")


_BULK_OPERATORS = {"memory.init", "data.drop", "memory.copy", "memory.fill", "table.init", "elem.drop", "table.copy"}
_REFERENCE_OPERATORS = {"ref.null", "ref.is_null", "ref.func", "table.get", "table.set", "table.size", "table.grow"}


def operator_features(path: str | os.PathLike[str]) -> set[str]:
    """Which of floats, bulk memory and reference types the module's function bodies use by an operator, read
    from ``wasm-tools print`` (the text of each instruction of each ``(func``): the reference for what CosmWasm's
    Gatekeeper refuses, which ``wasm-tools validate`` cannot say (it accepts or refuses a proposal as a whole)."""
    text = subprocess.run(
        [R.tool("wasm-tools"), "print", os.fspath(path)], capture_output=True, text=True, check=True, timeout=120
    ).stdout
    found: set[str] = set()
    in_func = False
    for line in text.split("\n"):
        if line.startswith("  (") and not line.startswith("   "):
            in_func = line.startswith("  (func")
            continue
        stripped = line.strip()
        if not in_func or not stripped or stripped[0] in "();":
            continue
        op = stripped.split()[0]
        if op.startswith(("f32.", "f64.")) or "_f32" in op or "_f64" in op:
            found.add("floats")
        if op in _BULK_OPERATORS:
            found.add("bulk_memory")
        if op in _REFERENCE_OPERATORS or op == "table.fill" or (op == "select" and "(result" in stripped):
            found.add("reference_types")
    return found


def host_accepts(path: str | os.PathLike[str], entry: dict[str, Any]) -> tuple[bool, str]:
    """The reference verdict for one release's entry: ``wasm-tools validate --features=REFERENCE`` accepts the
    module, and no function body uses by an operator a feature the entry refuses as operators."""
    accepted, said = validates(path, str(entry["reference"]))
    if not accepted:
        return False, said
    operators = operator_features(path) & set(entry.get("refused_operators", ()))
    return (not operators, f"operators of {sorted(operators)} in code" if operators else "")


def feature_names() -> set[str]:
    """Every feature name a preset refuses, and ``unknown``: the WL509 subjects that are wasm features."""
    names = {"unknown"}
    for entry in release_entries("cosmwasm"):
        names |= set(entry["refused"]) | set(entry.get("refused_operators", ()))
    (info,) = load_presets(["soroban"]).preset_info
    rules = info.extra_value("module-rules")
    assert isinstance(rules, dict)
    return names | set(rules["wasm_features_refused"])


def release_checker(preset: str, release: str) -> Checker:
    return Checker(load_presets([preset]), select=["WL509"], host_versions=[release])


def feature_refusals(checker: Checker, path: Path, names: set[str]) -> list[str]:
    """The WL509 subjects that are wasm features (not the preset's shape limits), sorted."""
    return sorted(
        f.subject for f in checker.check_bytes(path.read_bytes(), str(path)) if f.code == "WL509" and f.subject in names
    )


# --- NEAR: nearcore's preparation, per protocol version ------------------------------------------------------------

NEAR_BASE = {**COSMWASM_BASE, "--allow-floats": "true"}
"""The MVP with floats: what every nearcore protocol version accepts."""

NEAR_PROFILES: dict[str, dict[str, str]] = {
    **PROFILES,
    "sign-extension": {"--sign-extension-ops-enabled": "true"},
    "bulk-memory": {"--bulk-memory-enabled": "true"},
    "reference-types-bulk": {"--reference-types-enabled": "true", "--bulk-memory-enabled": "true"},
}
"""Soroban's profiles (a second table included: a reference-types count NEAR refuses before 84 and accepts from
it), and sign extension, bulk memory and the two together with reference types, which NEAR accepts from 62 / 84."""

RELEASE_SMITH: dict[str, tuple[dict[str, str], dict[str, dict[str, str]]]] = {
    "cosmwasm": (COSMWASM_BASE, COSMWASM_PROFILES),
    "near": (NEAR_BASE, NEAR_PROFILES),
}
"""The smith base and profiles of each preset whose set changes per host release."""
