"""What each `wasmlint gen` target's runtime can express, and why it cannot express the rest.

A target names a template in ``templates/`` and states, as data, which namespaces its runtime supplies itself (never
generated), which kinds of import and which value types its host API can define, and which ``--on-call`` choices its
dummies can carry out. :func:`refusal` turns a mismatch into a sentence naming the reason, so that ``gen`` refuses at
generation time instead of emitting code that crashes the host. Each reason below was observed with the pinned
runtimes (wasmtime-py 50.0.1, extism 1.1.1 with extism-sys 1.41.0, the Extism Go SDK de6f8ac on wazero v1.9.0);
``tests/test_gen.py`` and ``tests/test_gen_go.py`` show the observations.
"""

from __future__ import annotations

from ..model import ExternType, FuncType, GlobalType, MemoryType, TableType, TagType
from ..record import Record, field

ON_CALL_MODES = ("zero", "trap", "hook")
NUMBERS = frozenset({"i32", "i64", "f32", "f64"})
PRESET_NAMESPACES = {"wasi_snapshot_preview1": "wasi_snapshot_preview1", "extism": "extism:host/env"}


class Target(Record):
    name: str
    template: str
    language: str
    """``python``, ``go`` or ``text`` (a user's template): which literal and identifier rules the output follows."""
    supplies: tuple[str, ...]
    """Presets whose namespaces the runtime supplies itself."""
    kinds: frozenset[str]
    valtypes: frozenset[str] | None
    """Value types the host API can spell; None for any."""
    on_call: tuple[str, ...]
    reasons: dict[str, str] = field(default_factory=dict)
    """Why a kind (``kind``), a value type (``valtype``), a shared memory (``shared``), a 64-bit table (``table64``)
    or memory (``memory64``), a second memory (``multi_memory``), a name holding NUL (``nul``), an empty namespace
    (``empty_namespace``) or an on-call choice (``trap``, ``hook``) is refused; ``start``: why a function defined by
    the host that a start function may call is refused (the run-time dummies of ``hosts/plan.py``)."""

    @property
    def supplied_namespaces(self) -> tuple[str, ...]:
        return tuple(PRESET_NAMESPACES[preset] for preset in self.supplies)


_EXTISM_KIND = "the Extism SDKs supply only host functions, never memories, tables, globals or tags"
_WAZERO_EMPTY_NAMESPACE = (
    'the namespace is empty, and wazero refuses a host module with an empty name ("a module name must not be '
    'empty", wazero v1.9.0 internal/wasm/host.go), so no Go host can supply the import'
)
_EXTISM_VALTYPE = (
    "Extism host functions take and return only i32, i64, f32 and f64 (references cannot cross the SDK, and the "
    "runtime aborts the process on a v128 host result)"
)

TARGETS: dict[str, Target] = {
    "python-wasmtime": Target(
        name="python-wasmtime",
        template="python_wasmtime.py.j2",
        language="python",
        supplies=("wasi_snapshot_preview1",),
        kinds=frozenset({"func", "memory", "table", "global", "tag"}),
        valtypes=frozenset({*NUMBERS, "funcref", "externref"}),
        on_call=ON_CALL_MODES,
        reasons={
            "valtype": (
                "wasmtime-py 50 spells only i32, i64, f32, f64, funcref and externref: it has no v128 value type, "
                "and it aborts the process on signatures with v128 or GC reference types"
            ),
            "shared": (
                "wasmtime-py 50 cannot define a shared memory on a Linker (Linker.define fails on a SharedMemory "
                "with a ctypes TypeError, and Memory refuses shared types)"
            ),
            "table64": "wasmtime-py 50's TableType has no 64-bit index type",
        },
    ),
    "python-extism": Target(
        name="python-extism",
        template="python_extism.py.j2",
        language="python",
        supplies=("wasi_snapshot_preview1", "extism"),
        kinds=frozenset({"func"}),
        valtypes=NUMBERS,
        on_call=("zero", "hook"),
        reasons={
            "kind": _EXTISM_KIND,
            "valtype": _EXTISM_VALTYPE,
            "trap": (
                "the Extism Python SDK cannot trap: it calls host functions from a cffi callback, so an exception "
                "raised there is printed and swallowed and the plugin carries on as if the call had returned "
                "(and the C API has no call that makes a host function fail); choose zero or hook"
            ),
            "nul": (
                "the name holds NUL, and the Extism C API takes names as NUL-terminated strings: the import would "
                "stay undefined, and extism-sys 1.41 aborts the process while reporting that"
            ),
            "start": (
                "the module's start function may call it, and a start function runs while extism.Plugin is "
                "created, when extism-sys 1.41 ends the process with a segmentation fault if a host function "
                "defined in Python is called (even the SDK's own host_fn)"
            ),
        },
    ),
    "go-extism": Target(
        name="go-extism",
        template="go_extism.go.j2",
        language="go",
        supplies=("wasi_snapshot_preview1", "extism"),
        kinds=frozenset({"func"}),
        valtypes=NUMBERS,
        on_call=ON_CALL_MODES,
        reasons={"kind": _EXTISM_KIND, "valtype": _EXTISM_VALTYPE, "empty_namespace": _WAZERO_EMPTY_NAMESPACE},
    ),
    "go-wazero": Target(
        name="go-wazero",
        template="go_wazero.go.j2",
        language="go",
        supplies=("wasi_snapshot_preview1",),
        kinds=frozenset({"func", "memory", "table", "global"}),
        valtypes=frozenset({*NUMBERS, "funcref", "externref"}),
        on_call=ON_CALL_MODES,
        reasons={
            "kind": "wazero v1.9.0 has no exception handling, so no tag can be imported",
            "valtype": (
                "wazero v1.9.0 spells only i32, i64, f32, f64, funcref and externref in host functions (api.ValueType "
                "has no v128) and has no GC reference types"
            ),
            "shared": (
                "a shared memory needs wazero's experimental threads feature (experimental.CoreFeaturesThreads), "
                "which the table cannot assume a host's runtime enables"
            ),
            "memory64": "wazero v1.9.0 has no 64-bit memories (memory64)",
            "multi_memory": (
                "wazero v1.9.0 allows one memory per module (no multi-memory): neither a module that imports two "
                "nor the module that defines a namespace's memories can hold a second"
            ),
            "table64": "wazero v1.9.0 has no 64-bit tables",
            "empty_namespace": _WAZERO_EMPTY_NAMESPACE,
        },
    ),
}


def custom_target(template: str, base: Target | None) -> Target:
    """A user's template: with ``--target`` it inherits that target's limits, else it can express anything."""
    if base is not None:
        return Target(base.name, template, "text", base.supplies, base.kinds, base.valtypes, base.on_call, base.reasons)
    return Target(
        "custom", template, "text", (), frozenset({"func", "memory", "table", "global", "tag"}), None, ON_CALL_MODES
    )


def crowded_memories(memories: list[tuple[str, str, list[str]]]) -> dict[int, str]:
    """Memories (namespace, key, importing modules) that share a namespace or an importing module with another: by
    index, the key of one such other. For runtimes with one memory per module."""
    crowded: dict[int, str] = {}
    for i, (namespace, _, sources) in enumerate(memories):
        for j, (other_namespace, other_key, other_sources) in enumerate(memories):
            if i != j and (namespace == other_namespace or set(sources) & set(other_sources)):
                crowded.setdefault(i, other_key)
    return crowded


def valtypes_of(extern: ExternType) -> tuple[str, ...]:
    if isinstance(extern, (FuncType, TagType)):
        return (*extern.params, *extern.results)
    if isinstance(extern, TableType):
        return (extern.element,)
    if isinstance(extern, GlobalType):
        return (extern.value,)
    return ()


def refusal(target: Target, namespace: str, name: str, kind: str, extern: ExternType) -> str | None:
    """Why ``target`` cannot define this import, or None when it can."""
    if "nul" in target.reasons and ("\x00" in namespace or "\x00" in name):
        return target.reasons["nul"]
    if "empty_namespace" in target.reasons and not namespace:
        return target.reasons["empty_namespace"]
    if kind not in target.kinds:
        return target.reasons.get("kind", f"target {target.name} cannot define a {kind}")
    if target.valtypes is not None:
        bad = sorted({v for v in valtypes_of(extern) if v not in target.valtypes})
        if bad:
            reason = target.reasons.get("valtype", f"target {target.name} cannot spell these value types")
            return f"uses {', '.join(bad)}: {reason}"
    if isinstance(extern, MemoryType) and extern.shared and "shared" in target.reasons:
        return target.reasons["shared"]
    if isinstance(extern, TableType) and extern.index == "i64" and "table64" in target.reasons:
        return target.reasons["table64"]
    if isinstance(extern, MemoryType) and extern.index == "i64" and "memory64" in target.reasons:
        return target.reasons["memory64"]
    if isinstance(extern, MemoryType) and extern.page_size not in (1, 65536):
        return "a page size other than 1 or 65536 bytes exists in no runtime"
    if isinstance(extern, TagType) and extern.results:
        return "a tag with results is a stack-switching tag, which no target defines"
    return None
