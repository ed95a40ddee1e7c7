"""Runtime oracle: `check` reports an import problem (WL101-WL107) exactly when wasmtime refuses to link.

For every corpus module whose imports wasmtime-py can express, the manifest `wasmlint init` writes for it and
systematic variants of that manifest (entries dropped, signatures changed, namespaces moved, kinds changed,
limits of memories and tables changed, presets removed, expanded or shadowed, name patterns) are each given to
`check` and to a wasmtime linker built from the same manifest; the two must agree on every variant. A grid of
hand-built single-import modules then crosses every memory, table, global and tag type with every host type.

The oracle reads manifests itself (``tomllib`` and a small signature parser of its own), so that a mistake in
wasmlint's loader cannot agree with itself. Host functions are Python callables returning zeros; memories,
tables, globals and tags are created with the declared types; the WASI preset is ``Linker.define_wasi()`` with
a ``WasiConfig`` on the store. wasmtime runs in a subprocess per batch (this file run as a script), so that a
module that aborts the process costs one batch, not the test session.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from wasmlint.decode.module import decode_path
from wasmlint.gen.scaffold import manifest_for
from wasmlint.lint.run import run_check
from wasmlint.model import FuncType, GlobalType, Module, TableType, TagType

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
PRESET_DIR = ROOT / "wasmlint" / "presets"
PRESET_ALIASES = {"wasi": "wasi_snapshot_preview1", "extism:host/env": "extism"}
PRESET_NAMESPACES = {"wasi_snapshot_preview1": "wasi_snapshot_preview1", "extism": "extism:host/env"}
IMPORT_CODES = {"WL101", "WL102", "WL103", "WL104", "WL105", "WL106", "WL107"}
"""The rules about whether an import links; WL108/WL109 are policy and never fire on the variants here."""
WASMTIME_VALTYPES = ("i32", "i64", "f32", "f64", "funcref", "externref")
REF_SPELLINGS = {"(ref null func)": "funcref", "(ref null extern)": "externref"}
SWAP = {"i32": "i64", "i64": "i32", "f32": "f64", "f64": "f32", "funcref": "externref", "externref": "funcref"}
LINKED = ("ok", "trap")
"""Outcomes in which every import was resolved: a trap comes from running the start function afterwards."""


# ---------------------------------------------------------------------------------------------------------------
# The oracle proper: runs in a subprocess and uses nothing of wasmlint's.


class Unbuildable(Exception):
    """The manifest declares something the oracle cannot create in wasmtime-py (the case is not comparable)."""


def parse_valtype(text: str) -> str:
    text = " ".join(text.replace("(", " ( ").replace(")", " ) ").split()).replace("( ", "(").replace(" )", ")")
    text = REF_SPELLINGS.get(text, text)
    if text not in WASMTIME_VALTYPES:
        raise Unbuildable(f"wasmtime-py has no value type {text!r}")
    return text


def split_types(text: str) -> list[str]:
    text = text.strip()
    if text.startswith("(") and text.endswith(")") and not text.replace(" ", "").startswith("(ref"):
        text = text[1:-1]
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_signature(text: str) -> tuple[list[str], list[str]]:
    params, arrow, results = text.partition("->")
    if not arrow:
        raise ValueError(f"not a signature: {text!r}")
    return [parse_valtype(p) for p in split_types(params)], [parse_valtype(r) for r in split_types(results)]


@dataclass
class HostManifest:
    """What a manifest asks the host to provide, read independently of wasmlint."""

    presets: list[str] = field(default_factory=list)
    exact: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    patterns: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> HostManifest:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        host = data.get("host", {})
        found = cls.read(path.parent / host["extends"]) if "extends" in host else cls()
        for preset in host.get("presets", []):
            found.presets.append(PRESET_ALIASES.get(preset, preset))
        for namespace, names in data.get("imports", {}).items():
            for name, value in names.items():
                entry = {"signature": value} if isinstance(value, str) else dict(value)
                if "*" in name or "?" in name:
                    found.patterns.append((namespace, name, entry))
                else:
                    found.exact[(namespace, name)] = entry
        return found


def preset_entries(preset: str) -> dict[str, str]:
    data = tomllib.loads((PRESET_DIR / f"{preset}.toml").read_text(encoding="utf-8"))
    return dict(data["imports"][PRESET_NAMESPACES[preset]])


class Oracle:
    def __init__(self) -> None:
        import wasmtime

        self.wt = wasmtime
        config = wasmtime.Config()
        for feature in (
            "wasm_multi_memory",
            "wasm_memory64",
            "wasm_threads",
            "shared_memory",
            "wasm_exceptions",
            "wasm_reference_types",
            "wasm_multi_value",
            "wasm_bulk_memory",
            "wasm_custom_page_sizes",
        ):
            setattr(config, feature, True)
        self.engine = wasmtime.Engine(config)
        self.modules: dict[str, Any] = {}

        class SharedMemory(wasmtime.SharedMemory):
            """wasmtime-py 50's SharedMemory._as_extern takes a pointer to its pointer, so Linker.define rejects
            every shared memory (TypeError: LP_LP_wasmtime_sharedmemory); pass the pointer itself."""

            def _as_extern(self) -> Any:
                ffi = wasmtime._ffi
                union = ffi.wasmtime_extern_union(sharedmemory=self.ptr())
                return ffi.wasmtime_extern_t(ffi.WASMTIME_EXTERN_SHAREDMEMORY, union)

        self.shared_memory = SharedMemory

    def module(self, path: str) -> Any:
        if path not in self.modules:
            self.modules[path] = self.wt.Module.from_file(self.engine, path)
        return self.modules[path]

    def valtype(self, name: str) -> Any:
        return getattr(self.wt.ValType, name)()

    @staticmethod
    def zero(name: str) -> Any:
        return {"i32": 0, "i64": 0, "f32": 0.0, "f64": 0.0}.get(name)

    def functype(self, params: list[str], results: list[str]) -> Any:
        return self.wt.FuncType([self.valtype(p) for p in params], [self.valtype(r) for r in results])

    def func(self, store: Any, functype: Any) -> Any:
        zeros = [self.zero(str(r)) for r in functype.results]

        def returns_zeros(*_args: Any) -> Any:
            if not zeros:
                return None
            return zeros[0] if len(zeros) == 1 else list(zeros)

        return self.wt.Func(store, functype, returns_zeros)

    def limits(self, entry: dict[str, Any]) -> Any:
        return self.wt.Limits(entry.get("min", 0), entry.get("max"))

    def item(self, store: Any, entry: dict[str, Any]) -> Any:
        wt = self.wt
        kind = entry.get("kind", "func")
        if kind in ("func", "tag"):
            functype = self.functype(*parse_signature(entry["signature"]))
            return self.func(store, functype) if kind == "func" else wt.Tag(store, wt.TagType(functype))
        if kind == "global":
            value = parse_valtype(entry["type"])
            return wt.Global(store, wt.GlobalType(self.valtype(value), bool(entry.get("mutable"))), self.zero(value))
        if kind == "memory":
            page_size = entry.get("page_size", 65536)
            if page_size not in (1, 65536):
                raise Unbuildable(f"page size {page_size}")
            memtype = wt.MemoryType(
                self.limits(entry),
                is_64=entry.get("index", "i32") == "i64",
                shared=bool(entry.get("shared")),
                page_size_log2=page_size.bit_length() - 1,
            )
            if entry.get("shared"):
                return self.shared_memory(self.engine, memtype)
            return wt.Memory(store, memtype)
        if kind == "table":
            if entry.get("index", "i32") != "i32":
                raise Unbuildable("wasmtime-py 50 cannot create a table with 64-bit indices")
            element = parse_valtype(entry.get("element", "funcref"))
            return wt.Table(store, wt.TableType(self.valtype(element), self.limits(entry)), None)
        raise Unbuildable(f"unknown kind {kind!r}")

    def define(self, store: Any, linker: Any, module: Any, host: HostManifest) -> None:
        """Presets first, then the manifest's entries over them, then what name patterns synthesise."""
        defined: set[tuple[str, str]] = set()
        for preset in host.presets:
            names = preset_entries(preset)
            namespace = PRESET_NAMESPACES[preset]
            if preset == "wasi_snapshot_preview1":
                linker.define_wasi()
            else:
                for name, signature in names.items():
                    linker.define(store, namespace, name, self.item(store, {"signature": signature}))
            defined |= {(namespace, name) for name in names}
        for (namespace, name), entry in host.exact.items():
            linker.define(store, namespace, name, self.item(store, entry))
            defined.add((namespace, name))
        for imp in module.imports:
            key = (imp.module, imp.name)
            if key in defined:
                continue
            for namespace, pattern, entry in host.patterns:
                if namespace == imp.module and fnmatch.fnmatchcase(imp.name, pattern):
                    if entry.get("signature", "").strip() == "*":
                        ty = imp.type if isinstance(imp.type, self.wt.FuncType) else self.wt.FuncType([], [])
                        linker.define(store, imp.module, imp.name, self.func(store, ty))
                    else:
                        linker.define(store, imp.module, imp.name, self.item(store, entry))
                    defined.add(key)
                    break

    def instantiate(self, module_path: str, manifest_path: str) -> dict[str, str]:
        wt = self.wt
        module = self.module(module_path)
        store = wt.Store(self.engine)
        store.set_wasi(wt.WasiConfig())
        linker = wt.Linker(self.engine)
        linker.allow_shadowing = True
        try:
            self.define(store, linker, module, HostManifest.read(Path(manifest_path)))
        except (Unbuildable, wt.WasmtimeError) as exc:
            return {"outcome": "unbuildable", "message": str(exc)}
        try:
            linker.instantiate(store, module)
        except (wt.Trap, wt.ExitTrap) as exc:
            return {"outcome": "trap", "message": str(exc).splitlines()[0]}
        except wt.WasmtimeError as exc:
            return {"outcome": "link-error", "message": str(exc).splitlines()[0]}
        return {"outcome": "ok", "message": ""}


def load_in_extism(module_path: str, wasi: bool) -> dict[str, str]:
    """The real Extism runtime as the host: its kernel and builtins (and WASI when asked), no user functions."""
    import extism  # type: ignore[import-untyped]

    try:
        extism.Plugin(Path(module_path).read_bytes(), wasi=wasi)
    except extism.Error as exc:
        return {"outcome": "link-error", "message": str(exc).splitlines()[0]}
    return {"outcome": "ok", "message": ""}


def worker(job_path: str) -> None:
    """Instantiate each case of a job file; print one JSON outcome per case, as each completes."""
    cases = json.loads(Path(job_path).read_text(encoding="utf-8"))
    oracle = Oracle()
    for case in cases:
        if case.get("runtime") == "extism":
            wasi = "wasi_snapshot_preview1" in HostManifest.read(Path(case["manifest"])).presets
            outcome = load_in_extism(case["module"], wasi)
        else:
            outcome = oracle.instantiate(case["module"], case["manifest"])
        print(json.dumps(outcome), flush=True)


# ---------------------------------------------------------------------------------------------------------------
# The test side: wasmlint decodes, `init` writes, variants are generated, and `check` is compared with the oracle.


def inexpressible(module: Module) -> str | None:
    """Why wasmtime-py cannot create a host for this module's imports (decided on wasmlint's decoded types)."""
    for imp in module.imports:
        t = imp.type
        if isinstance(t, (FuncType, TagType)):
            values: tuple[str, ...] = (*t.params, *t.results)
        elif isinstance(t, GlobalType):
            values = (t.value,)
        elif isinstance(t, TableType):
            if t.index != "i32":
                return f"{imp.module}.{imp.name} is a 64-bit table"
            values = (t.element,)
        else:
            values = ()
        for value in values:
            if value not in WASMTIME_VALTYPES:
                return f"{imp.module}.{imp.name} uses {value}"
    return None


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"


def toml_key(key: str) -> str:
    return key if key and all(c.isascii() and (c.isalnum() or c in "-_") for c in key) else toml_value(key)


def dump_manifest(data: dict[str, Any]) -> str:
    lines = ["[host]", *(f"{toml_key(k)} = {toml_value(v)}" for k, v in data.get("host", {}).items())]
    for namespace, names in data.get("imports", {}).items():
        lines += ["", f"[imports.{toml_key(namespace)}]"]
        lines += [f"{toml_key(name)} = {toml_value(value)}" for name, value in names.items()]
    if data.get("exports"):
        lines += ["", "[exports]", *(f"{toml_key(k)} = {toml_value(v)}" for k, v in data["exports"].items())]
    return "\n".join(lines) + "\n"


def signature_text(params: list[str], results: list[str]) -> str:
    shown = results[0] if len(results) == 1 else f"({', '.join(results)})"
    return f"({', '.join(params)}) -> {shown}"


def signature_parts(text: str) -> tuple[list[str], list[str]]:
    params, _, results = text.partition("->")
    return split_types(params), split_types(results)


def as_table(value: str | dict[str, Any]) -> dict[str, Any]:
    return {"signature": value} if isinstance(value, str) else dict(value)


def entry_mutations(entry: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Changes of one entry's type or kind: signatures, limits, element and value types, mutability, kinds."""
    kind = entry.get("kind", "func")
    if kind in ("func", "tag"):
        params, results = signature_parts(entry["signature"])
        yield "extra-param", {**entry, "signature": signature_text([*params, "i32"], results)}
        if kind == "func":
            yield "result-changed", {**entry, "signature": signature_text(params, results[:-1] if results else ["i32"])}
        if params:
            yield "param-type-swapped", {**entry, "signature": signature_text([SWAP[params[0]], *params[1:]], results)}
        elif results:
            yield "result-type-swapped", {**entry, "signature": signature_text([], [SWAP[results[0]], *results[1:]])}
        if kind == "func":
            yield "func-as-global", {"kind": "global", "type": "i32"}
            if not results:
                yield "func-as-tag", {**entry, "kind": "tag"}
        else:
            yield "tag-as-func", {**entry, "kind": "func"}
    elif kind == "global":
        yield "mutability-toggled", {**entry, "mutable": not entry.get("mutable", False)}
        yield "value-type-swapped", {**entry, "type": SWAP[entry["type"]]}
        yield "global-as-func", {"signature": "() -> ()"}
    else:
        minimum, maximum = entry.get("min", 0), entry.get("max")
        limited = {k: v for k, v in entry.items() if k not in ("min", "max")}
        if minimum > 0:
            yield "min-lowered", {**entry, "min": minimum - 1}
        if maximum is None or minimum + 1 <= maximum:
            yield "min-raised", {**entry, "min": minimum + 1}
        if maximum is not None:
            yield "max-raised", {**entry, "max": maximum + 1}
            if maximum - 1 >= minimum:
                yield "max-lowered", {**entry, "max": maximum - 1}
            if not entry.get("shared"):
                yield "max-removed", {**limited, "min": minimum}
        else:
            yield "max-added", {**entry, "max": minimum + 1}
        if kind == "memory":
            if entry.get("shared"):
                yield "unshared", {k: v for k, v in entry.items() if k != "shared"}
            else:
                yield "shared", {**entry, "shared": True, "max": minimum if maximum is None else maximum}
            index = "i32" if entry.get("index", "i32") == "i64" else "i64"
            yield "index-toggled", {**entry, "index": index}
            yield "page-size-1", {**entry, "page_size": 1}
            yield "memory-as-table", {"kind": "table", "element": "funcref", "min": minimum}
            yield "memory-as-func", {"signature": "() -> ()"}
        else:
            yield "element-swapped", {**entry, "element": SWAP[entry.get("element", "funcref")]}
            yield "table-as-memory", {"kind": "memory", "min": minimum}


def copy_manifest(data: dict[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = json.loads(json.dumps(data))
    return copied


def expanded(data: dict[str, Any]) -> dict[str, Any]:
    """The same host with its presets written out as entries (which the oracle serves with dummies)."""
    out = copy_manifest(data)
    for preset in out["host"].pop("presets", []):
        preset = PRESET_ALIASES.get(preset, preset)
        table = out.setdefault("imports", {}).setdefault(PRESET_NAMESPACES[preset], {})
        for name, signature in preset_entries(preset).items():
            table.setdefault(name, signature)
    return out


def variants(base: dict[str, Any], module: Module) -> Iterator[tuple[str, dict[str, Any]]]:
    """The init manifest and systematic variants of it, each with a label naming the change."""
    yield "init", base
    imported = {(imp.module, imp.name) for imp in module.imports}
    explicit = [(ns, name) for ns, names in base.get("imports", {}).items() for name in names]
    full = expanded(base)
    from_presets = [(ns, name) for ns, names in full.get("imports", {}).items() for name in names]
    from_presets = [key for key in from_presets if key in imported and key not in explicit]
    for source, keys in (("", explicit), ("expanded: ", from_presets)):
        manifest = base if not source else full
        for namespace, name in keys:
            label = f"{source}{namespace}.{name}"
            entry = as_table(manifest["imports"][namespace][name])
            dropped = copy_manifest(manifest)
            del dropped["imports"][namespace][name]
            yield f"{label} dropped", dropped
            moved = copy_manifest(dropped)
            moved["imports"].setdefault("moved", {})[name] = entry
            yield f"{label} moved to namespace `moved`", moved
            for change, value in entry_mutations(entry):
                changed = copy_manifest(manifest)
                changed["imports"][namespace][name] = value
                yield f"{label} {change}", changed
    presets = base["host"].get("presets", [])
    if presets:
        yield "presets expanded", full
        yield "presets removed", {**copy_manifest(base), "host": {**base["host"], "presets": []}}
        for preset in presets:
            namespace = PRESET_NAMESPACES[preset]
            used = [name for ns, name in sorted(imported) if ns == namespace and (ns, name) not in explicit]
            for i, name in enumerate(used):
                signature = preset_entries(preset)[name]
                shadowed = copy_manifest(base)
                table = shadowed.setdefault("imports", {}).setdefault(namespace, {})
                if i == 0:
                    table[name] = signature
                    yield f"{namespace}.{name} restated over the preset", copy_manifest(shadowed)
                params, results = signature_parts(signature)
                table[name] = signature_text([*params, "i32"], results)
                yield f"{namespace}.{name} overridden with an extra param", shadowed
    by_namespace: dict[str, list[str]] = {}
    for namespace, name in explicit:
        if as_table(base["imports"][namespace][name]).get("kind", "func") == "func":
            by_namespace.setdefault(namespace, []).append(name)
    for namespace, names in by_namespace.items():
        first = as_table(base["imports"][namespace][names[0]])["signature"]
        for label, signature in (("any", "*"), ("fixed", first)):
            patterned = copy_manifest(base)
            table = patterned["imports"][namespace]
            for name in names:
                del table[name]
            table["*"] = signature
            yield f'{namespace}."*" = {label} signature for its functions', patterned
        everything = copy_manifest(base)
        everything["imports"][namespace] = {"*": "*"}
        yield f'{namespace}."*" = "*" for every entry', everything
        prefixes = Counter(name.split("_")[0] + "_" for name in names if "_" in name)
        for prefix, count in sorted(prefixes.items()):
            if count >= 2:
                patterned = copy_manifest(base)
                table = patterned["imports"][namespace]
                for name in names:
                    if name.startswith(prefix):
                        del table[name]
                table[f"{prefix}*"] = "*"
                yield f'{namespace}."{prefix}*" = "*"', patterned
        renamed = copy_manifest(base)
        renamed["imports"]["elsewhere"] = renamed["imports"].pop(namespace)
        yield f"namespace {namespace} renamed", renamed


@dataclass
class Case:
    label: str
    module: str
    manifest: str
    findings: list[str]
    outcome: dict[str, str] = field(default_factory=dict)
    runtime: str = "wasmtime"

    @property
    def check_passes(self) -> bool:
        return not self.findings

    @property
    def runtime_links(self) -> bool:
        return self.outcome["outcome"] in LINKED

    def describe(self) -> str:
        return (
            f"{Path(self.module).name} / {self.label}: check {self.findings or 'clean'}; {self.runtime} "
            f"{self.outcome['outcome']} {self.outcome['message']}\n    manifest: {self.manifest}"
        )


def import_findings(module: str, manifest: str) -> list[str]:
    result = run_check([module], manifest=manifest)
    assert not result.failures, result.failures
    return sorted(f"{f.code} {f.subject}" for f in result.findings if f.code in IMPORT_CODES)


def run_oracle(cases: list[Case], workdir: Path, batch: str) -> None:
    """Fill in each case's wasmtime outcome, in a subprocess; a crash is reported with the case it happened in."""
    job = workdir / f"{batch}.json"
    jobs = [{"module": c.module, "manifest": c.manifest, "runtime": c.runtime} for c in cases]
    job.write_text(json.dumps(jobs), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, __file__, job],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    lines = proc.stdout.splitlines()
    for case, line in zip(cases, lines):
        case.outcome = json.loads(line)
    if proc.returncode != 0 or len(lines) != len(cases):
        crashed = cases[len(lines)] if len(lines) < len(cases) else None
        where = f" at {crashed.describe()}" if crashed else ""
        pytest.fail(f"the oracle's wasmtime process exited with {proc.returncode}{where}:\n{proc.stderr[-3000:]}")


def compare(cases: list[Case]) -> list[str]:
    unbuildable = [c.describe() for c in cases if c.outcome["outcome"] == "unbuildable"]
    assert not unbuildable, "the oracle could not build a host:\n" + "\n".join(unbuildable)
    return [c.describe() for c in cases if c.check_passes != c.runtime_links]


CORPUS_MODULES = sorted(CORPUS.glob("*/*.wasm"))
TALLY: dict[str, tuple[int, int, int]] = {}


def test_corpus_modules_wasmtime_cannot_express_are_exactly_the_simd_and_gc_ones() -> None:
    reasons = {path.name: inexpressible(decode_path(path)) for path in CORPUS_MODULES}
    assert {name for name, reason in reasons.items() if reason} == {"simd.wasm", "gc_types.wasm"}, reasons
    assert "v128" in str(reasons["simd.wasm"])


def _cases_for(path: Path, workdir: Path) -> list[Case]:
    module = decode_path(path)
    text = manifest_for([(path.as_posix(), module)])
    base = tomllib.loads(text)
    cases = []
    for i, (label, data) in enumerate(variants(base, module)):
        manifest = workdir / f"{path.stem}-{i:03d}.toml"
        manifest.write_text(text if label == "init" else dump_manifest(data), encoding="utf-8")
        cases.append(Case(label, str(path), str(manifest), import_findings(str(path), str(manifest))))
    return cases


@pytest.fixture(scope="module")
def corpus_cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Case]]:
    """Every expressible corpus module's cases, run in one wasmtime subprocess per module, two at a time."""
    workdir = tmp_path_factory.mktemp("oracle")
    batches = {
        path.name: _cases_for(path, workdir) for path in CORPUS_MODULES if inexpressible(decode_path(path)) is None
    }
    with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
        for future in [pool.submit(run_oracle, cases, workdir, name) for name, cases in batches.items()]:
            future.result()
    return batches


@pytest.mark.parametrize("name", [p.name for p in CORPUS_MODULES if p.name not in ("simd.wasm", "gc_types.wasm")])
def test_check_agrees_with_wasmtime_on_every_manifest_variant(name: str, corpus_cases: dict[str, list[Case]]) -> None:
    cases = corpus_cases[name]
    kinds = {imp.kind for imp in decode_path(Path(cases[0].module)).imports}
    disagreements = compare(cases)
    linked = sum(c.runtime_links for c in cases)
    TALLY[name] = (len(cases), len(cases) - len(disagreements), linked)
    assert not disagreements, f"{len(disagreements)} of {len(cases)} disagree:\n" + "\n".join(disagreements)
    init = cases[0]
    assert init.label == "init" and init.check_passes and init.runtime_links, init.describe()
    assert len(cases) >= 10 and 0 < linked < len(cases), "the variants must include both outcomes"
    for change in ("dropped", "moved to namespace", "-as-", "extra-param" if "func" in kinds else "max-"):
        assert any(change in c.label for c in cases), change


def test_every_kind_of_variant_was_compared(corpus_cases: dict[str, list[Case]]) -> None:
    labels = " ".join(c.label for cases in corpus_cases.values() for c in cases)
    for change in (
        "dropped",
        "moved to namespace",
        "extra-param",
        "result-changed",
        "param-type-swapped",
        "func-as-global",
        "func-as-tag",
        "tag-as-func",
        "mutability-toggled",
        "value-type-swapped",
        "min-lowered",
        "min-raised",
        "max-raised",
        "max-lowered",
        "max-removed",
        "max-added",
        "unshared",
        "shared",
        "index-toggled",
        "page-size-1",
        "element-swapped",
        "memory-as-table",
        "table-as-memory",
        "presets removed",
        "presets expanded",
        "restated over the preset",
        "overridden with an extra param",
        '"invoke_*" = "*"',
        "renamed",
    ):
        assert change in labels, change
    total = sum(len(cases) for cases in corpus_cases.values())
    print(f"\noracle: {len(corpus_cases)} modules, {total} manifests compared")
    for name, (count, agreed, linked) in sorted(TALLY.items()):
        print(f"  {name}: {count} variants, {agreed} agree, {linked} link in wasmtime")


# ---------------------------------------------------------------------------------------------------------------
# The grid: one-import modules of every memory, table, global and tag type against every host type.

LIMITS = [(0, None), (1, None), (2, None), (0, 1), (1, 1), (1, 2), (1, 3), (2, 3)]


def _memory_types() -> list[dict[str, Any]]:
    types: list[dict[str, Any]] = []
    for index in ("i32", "i64"):
        for minimum, maximum in LIMITS:
            for shared in (False, True):
                if shared and maximum is None:
                    continue
                types.append({"kind": "memory", "min": minimum, "max": maximum, "index": index, "shared": shared})
    types += [
        {"kind": "memory", "min": 1, "max": m, "index": "i32", "shared": False, "page_size": 1} for m in (None, 2)
    ]
    return types


def _table_types() -> list[dict[str, Any]]:
    return [
        {"kind": "table", "min": minimum, "max": maximum, "element": element}
        for element in ("funcref", "externref")
        for minimum, maximum in LIMITS
    ]


def _global_types() -> list[dict[str, Any]]:
    return [{"kind": "global", "type": v, "mutable": m} for v in WASMTIME_VALTYPES for m in (False, True)]


def _tag_types() -> list[dict[str, Any]]:
    signatures = ["() -> ()", "(i32) -> ()", "(i64) -> ()", "(i32, i32) -> ()", "(externref) -> ()"]
    return [{"kind": "tag", "signature": s} for s in signatures]


def _func_types() -> list[dict[str, Any]]:
    signatures = ["() -> ()", "(i32) -> ()", "() -> i32", "(i32) -> i32", "(i64) -> i64", "() -> (i32, i64)"]
    return [{"signature": s} for s in [*signatures, "(funcref) -> externref", "(f32, f64) -> f32"]]


def wat_import(entry: dict[str, Any]) -> str:
    return f'(module (import "env" "x" ({wat_type(entry)})))'


def wat_type(entry: dict[str, Any]) -> str:
    kind: str = entry.get("kind", "func")
    if kind in ("func", "tag"):
        params, results = signature_parts(entry["signature"])
        text = "".join(f" (param {p})" for p in params) + "".join(f" (result {r})" for r in results)
    elif kind == "global":
        text = f" (mut {entry['type']})" if entry["mutable"] else f" {entry['type']}"
    else:
        limits = f"{entry['min']}" + ("" if entry.get("max") is None else f" {entry['max']}")
        if kind == "table":
            text = f" {limits} {entry['element']}"
        else:
            text = f" {entry.get('index', 'i32')} {limits}" + (" shared" if entry.get("shared") else "")
            if entry.get("page_size"):
                text += f" (pagesize {entry['page_size']})"
    return kind + text


def host_entry(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if v is not None}


@pytest.fixture(scope="module")
def grid_cases(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    import wasmtime

    workdir = tmp_path_factory.mktemp("grid")
    families = {
        "memory": _memory_types(),
        "table": _table_types(),
        "global": _global_types(),
        "tag": _tag_types(),
        "func": _func_types(),
    }
    everything = [entry for entries in families.values() for entry in entries]
    manifests = []
    for i, entry in enumerate(everything):
        path = workdir / f"host-{i:03d}.toml"
        path.write_text(dump_manifest({"host": {"name": "grid"}, "imports": {"env": {"x": host_entry(entry)}}}))
        manifests.append((entry, path))
    cases = []
    for family, entries in families.items():
        for j, entry in enumerate(entries):
            module = workdir / f"{family}-{j:02d}.wasm"
            module.write_bytes(bytes(wasmtime.wat2wasm(wat_import(entry))))
            hosts = manifests if family == "memory" else [(e, p) for e, p in manifests if e.get("kind") == family]
            if family in ("func", "global"):
                hosts += [(e, p) for e, p in manifests if e.get("kind") in ("tag", "memory")][:3]
            for host, path in hosts:
                label = f"import ({wat_type(entry)}) / host {toml_value(host_entry(host))}"
                cases.append(Case(label, str(module), str(path), import_findings(str(module), str(path))))
    run_oracle(cases, workdir, "grid")
    return cases


def test_check_agrees_with_wasmtime_on_every_pair_of_import_and_host_types(grid_cases: list[Case]) -> None:
    disagreements = compare(grid_cases)
    linked = sum(c.runtime_links for c in grid_cases)
    print(f"\ngrid: {len(grid_cases)} pairs, {len(grid_cases) - len(disagreements)} agree, {linked} link")
    assert not disagreements, f"{len(disagreements)} of {len(grid_cases)} disagree:\n" + "\n".join(disagreements)
    assert 100 < linked < len(grid_cases) - 100


# ---------------------------------------------------------------------------------------------------------------
# The presets against the real hosts: WASI against wasmtime's define_wasi, Extism's against the Extism runtime.


def _preset_cases(preset: str, runtime: str, workdir: Path) -> list[Case]:
    """A module importing every function of the preset, then one per function with that import's type changed."""
    import wasmtime

    namespace = PRESET_NAMESPACES[preset]
    names = preset_entries(preset)
    presets = sorted({preset, "wasi_snapshot_preview1"} if runtime == "extism" else {preset})
    manifest = workdir / f"{preset}-{runtime}-{'-'.join(presets)}.toml"
    manifest.write_text(dump_manifest({"host": {"name": runtime, "presets": presets}}), encoding="utf-8")

    def module(label: str, changed: str | None) -> Case:
        imports = []
        for name, signature in names.items():
            if name == changed:
                params, results = signature_parts(signature)
                signature = signature_text([*params, "i64"], results)
            imports.append(f'(import "{namespace}" "{name}" ({wat_type({"signature": signature})}))')
        path = workdir / f"{preset}-{runtime}-{label}.wasm"
        path.write_bytes(bytes(wasmtime.wat2wasm(f'(module {" ".join(imports)} (memory (export "memory") 1))')))
        return Case(label, str(path), str(manifest), import_findings(str(path), str(manifest)), runtime=runtime)

    return [module("every function", None), *(module(f"{name} with an extra i64", name) for name in names)]


@pytest.mark.parametrize(("preset", "runtime"), [("wasi_snapshot_preview1", "wasmtime"), ("extism", "extism")])
def test_preset_is_exactly_what_the_runtime_provides(preset: str, runtime: str, tmp_path: Path) -> None:
    if runtime == "extism":
        pytest.importorskip("extism")
    cases = _preset_cases(preset, runtime, tmp_path)
    run_oracle(cases, tmp_path, f"{preset}-{runtime}")
    assert not compare(cases), "\n".join(compare(cases))
    assert cases[0].runtime_links and not any(c.runtime_links for c in cases[1:])
    assert len(cases) == 1 + len(preset_entries(preset))


def test_legacy_extism_names_fail_in_extism_as_check_says(tmp_path: Path) -> None:
    pytest.importorskip("extism")
    import wasmtime

    manifest = tmp_path / "extism.toml"
    manifest.write_text(dump_manifest({"host": {"name": "extism", "presets": ["extism"]}}), encoding="utf-8")
    module = tmp_path / "legacy.wasm"
    module.write_bytes(
        bytes(wasmtime.wat2wasm('(module (import "env" "extism_alloc" (func (param i64) (result i64))))'))
    )
    findings = import_findings(str(module), str(manifest))
    cases = [Case("env.extism_alloc", str(module), str(manifest), findings, runtime="extism")]
    run_oracle(cases, tmp_path, "legacy")
    assert cases[0].findings == ["WL104 env.extism_alloc"]
    assert not cases[0].runtime_links and "extism_alloc" in cases[0].outcome["message"]


# ---------------------------------------------------------------------------------------------------------------
# wazero, the second oracle: the same cases, each host built in wazero v1.9.0 (vendored: tests/gohost.py) by the Go
# test harness (tests/go/harness/oracle.go), one process for every case.

WAZERO_UNCOMPILABLE = {"all_kinds.wasm", "multi_memory.wasm"}
"""Modules wazero v1.9.0 cannot compile at all, with no host involved: tags, memory64, multiple memories."""
WAZERO_CANNOT_DEFINE = {"func-as-tag", "tag-as-func", "index-toggled", "page-size-1", "table-as-memory"}
"""Variants whose host wazero v1.9.0 cannot define, which are not compared: tags, 64-bit memories, custom page sizes,
a second memory in a namespace (one module, one memory)."""
WAZERO_LAX = {"emscripten_like.wasm / env.memory shared"}
"""Where wazero v1.9.0 links what the spec (and wasmtime, and check) refuses: it does not compare a memory import's
shared flag (tetratelabs/wazero internal/wasm/store.go@v1.9.0, resolveImports: min and max only), so a host's shared
memory satisfies an unshared import and the other way round (the grid below shows both)."""


def wazero_entry(namespace: str, name: str, entry: dict[str, Any]) -> dict[str, Any]:
    """A manifest entry as the harness builds it in wazero; Unbuildable for what wazero has no way to define."""
    kind = entry.get("kind", "func")
    out: dict[str, Any] = {"namespace": namespace, "name": name, "kind": kind}
    if kind == "func":
        out["params"], out["results"] = parse_signature(entry["signature"])
    elif kind == "global":
        out.update(type=parse_valtype(entry["type"]), mutable=bool(entry.get("mutable")))
    elif kind in ("memory", "table"):
        if entry.get("index", "i32") != "i32":
            raise Unbuildable(f"wazero v1.9.0 has no 64-bit {kind}s")
        if entry.get("page_size", 65536) != 65536:
            raise Unbuildable("wazero v1.9.0 has no custom page sizes")
        out.update(min=entry.get("min", 0), max=entry.get("max"), shared=bool(entry.get("shared")))
        if kind == "table":
            out["type"] = parse_valtype(entry.get("element", "funcref"))
    else:
        raise Unbuildable(f"wazero v1.9.0 cannot define a {kind}")
    return out


def wazero_host(manifest: Path, imported: set[tuple[str, str]]) -> dict[str, Any] | None:
    """The host a manifest describes, for the harness; None when it provides an import wazero cannot define."""
    host = HostManifest.read(manifest)
    declared: dict[tuple[str, str], dict[str, Any]] = {}
    if "extism" in host.presets:
        namespace = PRESET_NAMESPACES["extism"]
        declared |= {(namespace, name): {"signature": s} for name, s in preset_entries("extism").items()}
    declared |= host.exact
    entries = []
    for (namespace, name), entry in declared.items():
        try:
            entries.append(wazero_entry(namespace, name, entry))
        except Unbuildable:
            if (namespace, name) in imported:
                return None
    patterns = []
    for namespace, pattern, entry in host.patterns:
        if entry.get("signature", "").strip() == "*":
            patterns.append({"namespace": namespace, "pattern": pattern, "any": True, "entry": {}})
        else:
            patterns.append(
                {"namespace": namespace, "pattern": pattern, "any": False, "entry": wazero_entry("", "", entry)}
            )
    return {"wasi": "wasi_snapshot_preview1" in host.presets, "entries": entries, "patterns": patterns}


def test_check_agrees_with_wazero_on_every_manifest_variant(
    corpus_cases: dict[str, list[Case]], go_hosts: Any, tmp_path: Path
) -> None:
    jobs, compared, skipped = [], {}, []
    for name, cases in corpus_cases.items():
        imported = {(imp.module, imp.name) for imp in decode_path(Path(cases[0].module)).imports}
        for i, case in enumerate(cases):
            host = wazero_host(Path(case.manifest), imported)
            if host is None:
                skipped.append((name, case.label))
                continue
            jobs.append({"id": f"{name}#{i}", "runtime": "oracle", "wasm": case.module, "oracle": host})
            compared[f"{name}#{i}"] = case
    outcomes = go_hosts.run(jobs, tmp_path)
    uncompilable = {key.split("#")[0] for key, result in outcomes.items() if result["outcome"] == "uncompilable"}
    assert uncompilable == WAZERO_UNCOMPILABLE
    disagreements, linked, count = [], Counter[str](), Counter[str]()
    for key, result in outcomes.items():
        name = key.split("#")[0]
        if name in uncompilable:
            continue
        case = compared[key]
        if result["outcome"] == "unbuildable":  # e.g. two memories in a namespace: one module, one memory
            assert case.label != "init", result["load_error"]
            skipped.append((name, case.label))
            continue
        assert result["outcome"] in ("ok", "trap", "link-error"), f"{case.describe()}\n{result['load_error']}"
        count[name] += 1
        linked[name] += result["outcome"] != "link-error"
        if case.check_passes != (result["outcome"] != "link-error"):
            disagreements.append((f"{name} / {case.label}", f"{case.describe()}\n    wazero: {result['outcome']}"))
    unexpected = [text for label, text in disagreements if label not in WAZERO_LAX]
    assert not unexpected, f"{len(unexpected)} disagree:\n" + "\n".join(unexpected)
    assert {label for label, _ in disagreements} == WAZERO_LAX
    assert set(count) == {p.name for p in CORPUS_MODULES} - WAZERO_UNCOMPILABLE - {"simd.wasm", "gc_types.wasm"}
    for name in count:
        assert 0 < linked[name] < count[name], name  # both outcomes, for every module
    unbuildable = Counter(label.rsplit(" ", 1)[-1] for name, label in skipped if name not in uncompilable)
    assert set(unbuildable) <= WAZERO_CANNOT_DEFINE, unbuildable
    print(f"\nwazero oracle: {sum(count.values())} manifests compared; not buildable in wazero: {dict(unbuildable)}")
    for name in sorted(count):
        print(f"  {name}: {count[name]} variants compared, {linked[name]} link in wazero")


def differs_only_in_sharing(case: Case) -> bool:
    """A memory import and a host memory whose limits and index match by the spec's rules, but not their sharing."""
    found = re.fullmatch(r"import \(memory (i32|i64) (\d+)(?: (\d+))?( shared)?\) / host .*", case.label)
    if found is None:
        return False
    index, minimum, maximum, shared = found.groups()
    host = HostManifest.read(Path(case.manifest)).exact[("env", "x")]
    limits_match = host.get("min", 0) >= int(minimum) and (
        maximum is None or (host.get("max") is not None and host["max"] <= int(maximum))
    )
    return (
        host.get("kind") == "memory"
        and host.get("index", "i32") == index
        and limits_match
        and (bool(host.get("shared")) != bool(shared))
    )


def test_check_agrees_with_wazero_on_every_pair_of_import_and_host_types(
    grid_cases: list[Case], go_hosts: Any, tmp_path: Path
) -> None:
    jobs = {}
    for i, case in enumerate(grid_cases):
        host = wazero_host(Path(case.manifest), {("env", "x")})
        if host is not None:
            jobs[f"{i}"] = ({"id": f"{i}", "runtime": "oracle", "wasm": case.module, "oracle": host}, case)
    outcomes = go_hosts.run([job for job, _ in jobs.values()], tmp_path)
    compared = [
        (case, outcomes[key])
        for key, (_, case) in jobs.items()
        if outcomes[key]["outcome"] in ("ok", "trap", "link-error")
    ]
    disagreements = [(case, o) for case, o in compared if case.check_passes != (o["outcome"] != "link-error")]
    lax = [case for case, _ in disagreements if differs_only_in_sharing(case)]
    unexpected = [
        f"{case.describe()}\n    wazero: {o['outcome']} {o['load_error']}"
        for case, o in disagreements
        if case not in lax
    ]
    print(f"\nwazero grid: {len(compared)} pairs compared, {len(lax)} differ only in sharing (wazero links them)")
    assert not unexpected, f"{len(unexpected)} disagree:\n" + "\n".join(unexpected)
    assert lax and all(case.findings == ["WL107 env.x"] for case in lax)
    linked = sum(o["outcome"] != "link-error" for _, o in compared)
    assert 50 < linked < len(compared) - 50
    kinds = {re.match(r"import \((\w+)", case.label).group(1) for case, _ in compared}  # type: ignore[union-attr]
    assert kinds == {"memory", "table", "global", "func"}  # tags: wazero v1.9.0 has none


if __name__ == "__main__":
    worker(sys.argv[1])
