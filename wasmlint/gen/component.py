"""The ``python-wasmtime-component`` target of ``wasmlint gen``: dummies for a component's imports, on a wasmtime-py
50 component ``Linker``.

What it generates: every import the components make (or, from a manifest alone, every import of its world), except
the WASI 0.2 interfaces wasmtime supplies itself (``Linker.add_wasip2()``, and ``add_wasi_http()`` for
``wasi:http``); for each interface its resources (``ResourceType.host``, one id per resource, shared by every
interface that ``use``s it) and its functions, whose dummies return a zero value of their result type, spelled as
wasmtime-py converts values: numbers, ``False``, ``""``, ``b""`` for ``list<u8>``, ``[]``, ``None`` (or the first
case, untagged or as a ``Variant``, exactly as wasmtime-py tells the cases apart), ``set()`` for flags, a
``Record`` of zeros, ``ok`` of a zero for a result, a fresh ``ResourceHost.own`` for an owned resource. Borrowed
(and owned) handles a dummy receives are dropped before it returns, as wasmtime requires. Refused, each import
named with the reason: what wasmtime-py 50 cannot carry (``stream``, ``future``, ``error-context``, ``map``,
fixed-length lists, async functions), and resources defined by WASI that a dummy interface would have to name.
"""

from __future__ import annotations

import fnmatch
import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from .. import __version__
from ..decode.wit import (
    Borrow,
    Component,
    EnumType,
    FlagsType,
    Function,
    FutureType,
    Item,
    ListType,
    MapType,
    Named,
    OptionType,
    Own,
    Prim,
    RecordType,
    ResourceType,
    ResultType,
    StreamType,
    TupleType,
    VariantType,
    WitType,
    unnamed,
)
from ..escape import escape_text
from ..lint.world import resource_labels, semver_track, split_version
from ..manifest.values import RUN_PHASE, Manifest
from .codegen import Generated

TARGET = "python-wasmtime-component"
TEMPLATE = "python_wasmtime_component.py.j2"
ON_CALL_MODES = ("zero", "trap", "hook")
WASIP2 = ("wasi:cli", "wasi:clocks", "wasi:filesystem", "wasi:io", "wasi:random", "wasi:sockets")
WASI_HTTP = ("wasi:http",)

INTEGERS = {"s8", "u8", "s16", "u16", "s32", "u32", "s64", "u64"}
CARRY = (
    "wasmtime-py 50 cannot carry it (its component value conversion raises NotImplementedError for stream, future "
    "and error-context, and it has no map or fixed-length list type)"
)
ASYNC = "an async function: wasmtime-py 50's LinkerInstance exposes no async host functions (add_func_async)"


def supplier(name: str) -> str | None:
    """The Linker method by which wasmtime supplies the import ``name`` itself, or None."""
    base, version = split_version(name)
    package = base.split("/", 1)[0]
    if version is None or semver_track(name) != f"{base}@0.2":
        return None
    if package in WASIP2:
        return "add_wasip2"
    if package in WASI_HTTP:
        return "add_wasi_http"
    return None


def uncarried(t: WitType | None, seen: set[int] | None = None) -> str | None:
    """The first type in ``t`` that wasmtime-py 50 cannot carry, spelled, or None."""
    if t is None:
        return None
    if isinstance(t, Named):
        return uncarried(t.target, seen)
    if isinstance(t, Prim):
        return t.name if t.name == "error-context" else None
    if isinstance(t, StreamType):
        return "stream"
    if isinstance(t, FutureType):
        return "future"
    if isinstance(t, MapType):
        return "map"
    if isinstance(t, ListType):
        return "a fixed-length list" if t.length is not None else uncarried(t.element)
    children: list[WitType | None] = []
    if isinstance(t, (OptionType,)):
        children = [t.element]
    elif isinstance(t, ResultType):
        children = [t.ok, t.err]
    elif isinstance(t, TupleType):
        children = list(t.elements)
    elif isinstance(t, RecordType):
        children = [ft for _, ft in t.fields]
    elif isinstance(t, VariantType):
        children = [ct for _, ct in t.cases]
    for child in children:
        found = uncarried(child)
        if found is not None:
            return found
    return None


def classes(t: WitType) -> set[str]:
    """The Python classes wasmtime-py 50 accepts for ``t`` (``ValType.add_classes``): how it tells untagged variant
    cases apart, and so whether a variant, option or result must be given as a ``Variant``."""
    t = unnamed(t)
    if isinstance(t, Prim):
        return {
            "bool": {"bool"},
            "f32": {"float"},
            "f64": {"float"},
            "char": {"str"},
            "string": {"str"},
        }.get(t.name, {"int"} if t.name in INTEGERS else {"?"})
    if isinstance(t, ListType):
        return {"bytes"} if unnamed(t.element) == Prim("u8") else {"list"}
    if isinstance(t, TupleType):
        return {"tuple"}
    if isinstance(t, RecordType):
        return {"Record"}
    if isinstance(t, FlagsType):
        return {"set"}
    if isinstance(t, EnumType):
        return {"str"}
    if isinstance(t, (Own, Borrow)):
        return {"ResourceAny", "ResourceHost"}
    cases = _cases(t)
    if cases is None:
        return {"?"}
    if _tagged(cases):
        return {"Variant"}
    found: set[str] = set()
    for _, payload in cases:
        found |= {"object"} if payload is None else classes(payload)
    return found


def _cases(t: WitType) -> list[tuple[str, WitType | None]] | None:
    if isinstance(t, OptionType):
        return [("none", None), ("some", t.element)]
    if isinstance(t, ResultType):
        return [("ok", t.ok), ("err", t.err)]
    if isinstance(t, VariantType):
        return list(t.cases)
    return None


def _tagged(cases: list[tuple[str, WitType | None]]) -> bool:
    seen: set[str] = set()
    for _, payload in cases:
        case = {"object"} if payload is None else classes(payload)
        if case & seen:
            return True
        seen |= case
    return False


class ZeroSpeller:
    """Python expressions of zero values, as the generated module writes them (``_own`` and ``_record`` are its
    helpers; resource ids come from ``resource_ids``, by the resource's label)."""

    def __init__(self, resource_ids: dict[int, int]) -> None:
        self.resource_ids = resource_ids

    def zero(self, t: WitType) -> str:
        t = unnamed(t)
        if isinstance(t, Prim):
            if t.name == "bool":
                return "False"
            if t.name in ("f32", "f64"):
                return "0.0"
            if t.name == "char":
                return repr("\x00")
            if t.name == "string":
                return '""'
            return "0"
        if isinstance(t, ListType):
            return 'b""' if unnamed(t.element) == Prim("u8") else "[]"
        if isinstance(t, TupleType):
            inner = ", ".join(self.zero(e) for e in t.elements)
            return f"({inner},)" if len(t.elements) == 1 else f"({inner})"
        if isinstance(t, RecordType):
            fields = ", ".join(f"{_py_str(name)}: {self.zero(ft)}" for name, ft in t.fields)
            return f"_record({{{fields}}})"
        if isinstance(t, FlagsType):
            return "set()"
        if isinstance(t, EnumType):
            return _py_str(t.cases[0])
        if isinstance(t, Own):
            resource = unnamed(t.resource)
            assert isinstance(resource, ResourceType)
            return f"_own({self.resource_ids[resource.uid]})"
        cases = _cases(t)
        assert cases is not None, t
        name, payload = cases[0]
        value = "None" if payload is None else self.zero(payload)
        if _tagged(cases):
            return f"wc.Variant({_py_str(name)})" if payload is None else f"wc.Variant({_py_str(name)}, {value})"
        return value


def _py_str(text: str) -> str:
    from .templating import py_str

    return py_str(text)


class _Plan:
    """What the generated module defines: interfaces (resources and functions), the supplied imports, refusals."""

    def __init__(self) -> None:
        self.interfaces: list[dict[str, Any]] = []
        self.supplied: list[str] = []
        self.refusals: list[str] = []


def plan(items: Sequence[tuple[Item, dict[int, str]]]) -> _Plan:
    """``items`` are the imports to serve, each with its component's resource labels."""
    result = _Plan()
    ids: dict[str, int] = {}
    resource_ids: dict[int, int] = {}
    supplied_labels: set[str] = set()
    for item, labels in items:  # every resource gets its id first: functions may use those of other interfaces
        if supplier(item.name) is not None:
            supplied_labels |= {labels[uid] for uid in _defined(item)}
        for uid in _defined(item):
            resource_ids[uid] = ids.setdefault(labels[uid], len(ids) + 1)
    for item, labels in items:
        for typedef in item.types:
            target = unnamed(typedef.type)
            if isinstance(target, ResourceType) and target.uid in labels:
                resource_ids.setdefault(target.uid, ids.setdefault(labels[target.uid], len(ids) + 1))
    speller = ZeroSpeller(resource_ids)
    root: dict[str, Any] = {"name": "", "resources": [], "functions": []}
    for item, labels in items:
        how = supplier(item.name)
        if how is not None:
            result.supplied.append(item.name)
            continue
        if item.kind not in ("instance", "func", "type"):
            result.refusals.append(f"{escape_text(item.name)}: a {item.kind} import, which no Python host can define")
            continue
        interface: dict[str, Any] = (
            root if item.kind != "instance" else {"name": item.name, "resources": [], "functions": []}
        )
        for typedef in item.types:
            target = unnamed(typedef.type)
            if not isinstance(target, ResourceType):
                continue
            label = labels.get(target.uid, "")
            if label in supplied_labels:
                result.refusals.append(
                    f"{escape_text(item.name)}: uses resource {escape_text(typedef.name)} of "
                    f"{escape_text(label.split('#')[0])}, which wasmtime defines (add_wasip2) and a Python host "
                    "cannot name"
                )
                continue
            interface["resources"].append({"name": typedef.name, "id": resource_ids[target.uid]})
        for function in item.functions:
            key = function.name if item.kind != "instance" else f"{item.name}#{function.name}"
            why = _refusal(function)
            if why is not None:
                result.refusals.append(f"{escape_text(key)}: {why}")
                continue
            zero = "None" if function.type.result is None else speller.zero(function.type.result)
            interface["functions"].append(
                {"name": function.name, "key": key, "zero": zero, "type": function.text, "interface": item.name}
            )
        if interface is not root:
            result.interfaces.append(interface)
    if root["functions"] or root["resources"]:
        result.interfaces.insert(0, root)
    return result


def _defined(item: Item) -> list[int]:
    """The uids of the resources an import defines (not those it uses from other interfaces)."""
    found = []
    for typedef in item.types:
        target = unnamed(typedef.type)
        if isinstance(target, ResourceType) and not isinstance(typedef.type.target, Named):
            found.append(target.uid)
    return found


def _refusal(function: Function) -> str | None:
    if function.type.is_async:
        return ASYNC
    for _, t in function.type.params:
        found = uncarried(t)
        if found is not None:
            return f"takes a {found}: {CARRY}"
    found = uncarried(function.type.result)
    if found is not None:
        return f"returns a {found}: {CARRY}"
    return None


def merged_imports(components: Sequence[tuple[str, Component]]) -> tuple[list[tuple[Item, dict[int, str]]], list[str]]:
    """The union of the components' imports: each interface with every function any of them imports. Returns the
    items with their resource labels, and refusals for a function two components type differently."""
    from ..decode.wit import function_shape

    found: dict[str, tuple[Item, dict[int, str], dict[str, str], str]] = {}
    refusals = []
    for path, component in components:
        labels = resource_labels(component)
        for item in component.imports:
            shapes = {f.name: function_shape(f.type, labels) for f in item.functions}
            known = found.get(item.name)
            if known is None:
                found[item.name] = (item, labels, shapes, path)
                continue
            merged, merged_labels, merged_shapes, first = known
            functions = list(merged.functions)
            for function in item.functions:
                if function.name not in merged_shapes:
                    merged_shapes[function.name] = shapes[function.name]
                    functions.append(function)
                elif merged_shapes[function.name] != shapes[function.name]:
                    refusals.append(
                        f"{escape_text(item.name)}#{escape_text(function.name)}: {path} and {first} import it with "
                        "different types; no host can provide both"
                    )
            names = {t.name for t in merged.types}
            types = (*merged.types, *(t for t in item.types if t.name not in names))
            merged_labels.update(labels)
            found[item.name] = (
                Item(merged.name, merged.kind, merged.offset, tuple(functions), types),
                merged_labels,
                merged_shapes,
                first,
            )
    return [(item, labels) for item, labels, _, _ in found.values()], refusals


def phase_table(manifest: Manifest | None, functions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = [f["key"] for f in functions]
    if manifest is None:
        return [{"name": RUN_PHASE, "provides": [], "dummies": keys, "missing": "dummy"}]
    phases = [{"name": RUN_PHASE, "provides": keys, "dummies": [], "missing": "error"}]
    for phase in manifest.phases:
        provides = [
            f["key"]
            for f in functions
            if any(
                fnmatch.fnmatchcase(name, pattern)
                for pattern in phase.provides
                for name in (
                    f["interface"] or f["name"],
                    split_version(f["interface"])[0] if f["interface"] else f["name"],
                )
            )
        ]
        phases.append(
            {
                "name": phase.name,
                "provides": provides,
                "dummies": [k for k in keys if k not in provides],
                "missing": phase.missing,
            }
        )
    return phases


def context(
    planned: _Plan,
    manifest: tuple[str, Manifest] | None,
    sources: list[str],
    phases: list[dict[str, Any]],
    rules: dict[str, str],
    command: list[str],
) -> dict[str, Any]:
    from .codegen import _wrap  # the header is wrapped as the module targets wrap theirs

    inputs = ([manifest[0]] if manifest else []) + sources
    header = [f"Code generated by wasmlint {__version__}; DO NOT EDIT."]
    header += _wrap(f"Target {TARGET}, from: {', '.join(escape_text(p) for p in inputs)}.")
    header += ["Regenerate (from the repository root) with:"]
    header += _wrap(shlex.join(escape_text(arg) for arg in command), "  ")
    functions = [f for interface in planned.interfaces for f in interface["functions"]]
    return {
        "header_lines": header,
        "interfaces": planned.interfaces,
        "functions": functions,
        "supplied": planned.supplied,
        "needs_http": any(supplier(name) == "add_wasi_http" for name in planned.supplied),
        "phases": phases,
        "on_call": [{"selector": s, "mode": m} for s, m in rules.items()],
        "host": manifest[1].host if manifest else None,
    }


def sources_of(files: Sequence[str], root: Path | None) -> list[str]:
    from .codegen import repo_path

    return sorted(repo_path(path, root) for path in dict.fromkeys(files))


def generate_component(*, manifest: str | None, files: Sequence[str], on_call: Sequence[str], output: str) -> Generated:
    """Everything ``wasmlint gen --target python-wasmtime-component`` does short of writing."""
    from ..decode.component import decode_component_path
    from ..decode.module import decode_path
    from ..decode.reader import DecodeError
    from ..lint.run import run_check
    from ..manifest.load import load_manifest
    from ..manifest.values import ManifestError
    from ..manifest.world import load_world
    from .codegen import CheckFailed, GenError, Refused, on_call_rules, render_target, repo_path, repository_root

    if manifest is None and not files:
        raise GenError("pass --manifest (with a [host] world), component FILEs, or both")
    root = repository_root(Path.cwd())
    loaded = None
    if manifest is not None:
        try:
            loaded = (repo_path(manifest, root), load_manifest(manifest))
        except ManifestError as exc:
            raise GenError(str(exc)) from None
        if loaded[1].world is None:
            raise GenError(f"{manifest}: no [host] world: components are generated from a world or from FILEs")
        if files:
            result = run_check(list(files), manifest=manifest, phases=(RUN_PHASE,))
            if result.exit_status != 0:
                raise CheckFailed(result)
    components: list[tuple[str, Component]] = []
    for path in sorted(dict.fromkeys(files), key=lambda p: repo_path(p, root)):
        try:
            if decode_path(path).kind != "component":
                raise GenError(f"{path}: a core module: target {TARGET} reads components")
            components.append((repo_path(path, root), decode_component_path(path)))
        except (DecodeError, OSError) as exc:
            raise GenError(f"{path}: {exc}") from None
    if components:
        items, refusals = merged_imports(components)
    else:
        assert loaded is not None
        try:
            _, world = load_world(loaded[1])
        except ManifestError as exc:
            raise GenError(str(exc)) from None
        labels = resource_labels(world)
        items, refusals = [(item, labels) for item in world.imports], []
    planned = plan(items)
    refusals += planned.refusals
    if refusals:
        raise Refused(refusals)
    functions = [f for interface in planned.interfaces for f in interface["functions"]]
    phases = phase_table(loaded[1] if loaded else None, functions)
    rules = on_call_rules(_TARGET_LIMITS, on_call, {p["name"] for p in phases}, {f["key"] for f in functions})
    command = ["wasmlint", "gen", "--target", TARGET]
    if loaded:
        command += ["--manifest", loaded[0]]
    command += [arg for spec in sorted(on_call) for arg in ("--on-call", spec)]
    if output != "-":
        command += ["-o", repo_path(output, root)]
    sources = [path for path, _ in components]
    command += sources
    notes = [f"{len(planned.supplied)} imports supplied by wasmtime (add_wasip2, add_wasi_http): not generated"]
    for phase in phases:
        left = phase["dummies"]
        shown = ": " + ", ".join(escape_text(key) for key in left) if left else ""
        where = f"phase {phase['name']}" if loaded else "no manifest, so no phases"
        notes.append(f"{where}: {len(left)} of {len(functions)} functions left to dummies{shown}")
    text = render_target(TEMPLATE, context(planned, loaded, sources, phases, rules, command))
    return Generated(text, notes)


class _Limits:
    """The target as ``on_call_rules`` reads it: the modes its dummies can carry out (all of them)."""

    name = TARGET
    on_call = ON_CALL_MODES
    reasons: ClassVar[dict[str, str]] = {}


_TARGET_LIMITS: Any = _Limits()
