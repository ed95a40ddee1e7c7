"""Dummies at load time on a wasmtime-py ``Linker``: the run-time counterpart of ``gen --target python-wasmtime``.

Each dummy is defined with the import's exact type: a function (``FuncType`` from the decoded module) that returns
zeros of its result types, raises ``wasmtime.Trap`` naming the import, or calls a hook; a memory, table, global or
tag created with its declared type (globals hold zeros, tables null references). WASI preview 1 is the runtime's
(``linker.define_wasi()``); the Extism kernel, if the plugin imports it, gets dummies like any other namespace.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import wasmtime

from ..model import FuncType, GlobalType, MemoryType, Module, TableType, TagType
from .plan import ZEROS, Dummy, Hook, OnCall, plan

_VALTYPES: dict[str, Callable[[], wasmtime.ValType]] = {
    "i32": wasmtime.ValType.i32,
    "i64": wasmtime.ValType.i64,
    "f32": wasmtime.ValType.f32,
    "f64": wasmtime.ValType.f64,
    "funcref": wasmtime.ValType.funcref,
    "externref": wasmtime.ValType.externref,
}


def define_wasmtime_imports(
    linker: wasmtime.Linker,
    store: wasmtime.Store,
    plugin: bytes | bytearray | memoryview | Module,
    real: Mapping[str, Any] | None = None,
    *,
    phase: str | None = None,
    on_call: OnCall = None,
    hook: Hook | None = None,
) -> list[str]:
    """Define on ``linker`` ``real[key]`` for each import of ``plugin`` the host provides and a dummy for every
    other import (but WASI's, which ``linker.define_wasi()`` defines); returns the dummies' keys.

    ``real`` maps import keys (``namespace.name``) to a Python callable, defined with the import's exact type, or
    any wasmtime extern; keys the plugin does not import are passed by, so that one mapping serves every plugin.
    ``phase`` labels the load in trap messages and hook calls; ``on_call`` and ``hook`` choose what the dummies do
    (``wasmlint.hosts.plan``). Raises ``DummiesRefused`` naming the imports wasmtime-py cannot express, before
    anything is defined. The linker must not define the plugin's imports already (a fresh one per plugin, or
    ``linker.allow_shadowing = True``).
    """
    real = real or {}
    decided = plan("python-wasmtime", plugin, real.keys(), phase=phase, on_call=on_call, hook=hook)
    for entry in decided.provided:
        given = real[entry.key]
        if callable(given) and not isinstance(given, wasmtime.Func):
            assert isinstance(entry.type, FuncType), f"{entry.key} is imported as a {entry.kind}"
            linker.define_func(entry.namespace, entry.name, _func_type(entry.type), given)
        else:
            linker.define(store, entry.namespace, entry.name, given)
    for dummy in decided.dummies:
        entry = dummy.entry
        if isinstance(entry.type, FuncType):
            linker.define_func(entry.namespace, entry.name, _func_type(entry.type), _call(dummy, phase, hook))
        else:
            linker.define(store, entry.namespace, entry.name, _extern(store, entry.type))
    return [dummy.key for dummy in decided.dummies]


def _types(names: tuple[str, ...]) -> list[wasmtime.ValType]:
    return [_VALTYPES[name]() for name in names]


def _func_type(extern: FuncType) -> wasmtime.FuncType:
    return wasmtime.FuncType(_types(extern.params), _types(extern.results))


def _call(dummy: Dummy, phase: str | None, hook: Hook | None) -> Callable[..., Any]:
    assert isinstance(dummy.entry.type, FuncType)
    zeros = [ZEROS[name] for name in dummy.entry.type.results]
    namespace, name, choice, message = dummy.entry.namespace, dummy.entry.name, dummy.choice, dummy.message

    def call(*params: Any) -> Any:
        if choice == "trap":
            raise wasmtime.Trap(message)
        if choice == "hook" and hook is not None:
            hook(phase, namespace, name, params)
        if len(zeros) == 1:
            return zeros[0]
        return list(zeros) if zeros else None

    return call


def _extern(store: wasmtime.Store, extern: Any) -> wasmtime.Memory | wasmtime.Table | wasmtime.Global | wasmtime.Tag:
    if isinstance(extern, MemoryType):
        limits = wasmtime.Limits(extern.min, extern.max)
        log2 = extern.page_size.bit_length() - 1
        return wasmtime.Memory(store, wasmtime.MemoryType(limits, is_64=extern.index == "i64", page_size_log2=log2))
    if isinstance(extern, TableType):
        table_type = wasmtime.TableType(_VALTYPES[extern.element](), wasmtime.Limits(extern.min, extern.max))
        return wasmtime.Table(store, table_type, None)
    if isinstance(extern, GlobalType):
        global_type = wasmtime.GlobalType(_VALTYPES[extern.value](), extern.mutable)
        return wasmtime.Global(store, global_type, ZEROS[extern.value])
    assert isinstance(extern, TagType)
    return wasmtime.Tag(store, wasmtime.TagType(wasmtime.FuncType(_types(extern.params), [])))
