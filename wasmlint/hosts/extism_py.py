"""Dummies at load time for the Extism Python SDK: the run-time counterpart of ``gen --target python-extism``.

Each dummy is an ``extism.Function`` with the import's exact value types over a cffi callback of its own, which
writes every result slot with a zero of its type (the SDK's ``host_fn`` callback cannot set f32 or f64 results in
extism 1.1.1) and calls the hook when the dummy's choice is ``hook``. Dummies cannot trap: the SDK calls host
functions from a cffi callback that prints and swallows exceptions, so ``trap`` is refused as gen refuses it. WASI
preview 1 (``wasi=True``) and the Extism kernel (``extism:host/env``) are the runtime's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import extism
from extism_sys import ffi

from ..model import FuncType, Module
from .plan import ZEROS, Dummy, Hook, OnCall, plan

_VALTYPES = {"i32": extism.ValType.I32, "i64": extism.ValType.I64, "f32": extism.ValType.F32, "f64": extism.ValType.F64}
_MEMBERS = {0: "i32", 1: "i64", 2: "f32", 3: "f64"}
"""The union member of an ``ExtismVal`` for each value type tag."""
_CALLBACK = "void(ExtismCurrentPlugin*, const ExtismVal*, ExtismSize, ExtismVal*, ExtismSize, void*)"
USER_NAMESPACE = "extism:host/user"
"""The namespace the SDK gives a host function registered without one."""


def extism_host_functions(
    plugin: bytes | bytearray | memoryview | Module,
    real: Iterable[Any] = (),
    *,
    phase: str | None = None,
    on_call: OnCall = None,
    hook: Hook | None = None,
) -> list[Any]:
    """The host's ``real`` functions that ``plugin`` imports and a dummy for every other import (but those WASI
    and the Extism kernel supply): pass the list as ``extism.Plugin(wasm, wasi=True, functions=...)``.

    ``real`` holds ``extism.Function`` values (``@extism.host_fn`` ones included), each matched to an import by its
    namespace (``extism:host/user`` when it has none) and name; those the plugin does not import are left out, so
    that one list serves every plugin. ``phase`` labels the load in hook calls; ``on_call`` (``zero`` or ``hook``)
    and ``hook`` choose what the dummies do (``wasmlint.hosts.plan``). Raises ``DummiesRefused`` naming the imports
    Extism cannot express, and for ``trap``.
    """
    by_key: dict[str, Any] = {}
    for function in real:
        by_key.setdefault(f"{function.namespace or USER_NAMESPACE}.{function.name}", function)
    decided = plan("python-extism", plugin, by_key.keys(), phase=phase, on_call=on_call, hook=hook)
    functions = [by_key[entry.key] for entry in decided.provided]
    return functions + [_function(dummy, phase, hook) for dummy in decided.dummies]


@ffi.callback(_CALLBACK)  # type: ignore[untyped-decorator]
def _call_dummy(plugin: Any, params: Any, n_params: int, results: Any, n_results: int, data: Any) -> None:
    dummy, phase, hook = ffi.from_handle(data)
    for index in range(n_results):
        slot = results[index]
        setattr(slot.v, _MEMBERS[slot.t], ZEROS[_MEMBERS[slot.t]])
    if dummy.choice == "hook" and hook is not None:
        values = tuple(getattr(params[i].v, _MEMBERS[params[i].t]) for i in range(n_params))
        hook(phase, dummy.entry.namespace, dummy.entry.name, values)


def _function(dummy: Dummy, phase: str | None, hook: Hook | None) -> Any:
    extern = dummy.entry.type
    assert isinstance(extern, FuncType)
    params = [_VALTYPES[name] for name in extern.params]
    results = [_VALTYPES[name] for name in extern.results]
    # The handle keeps (dummy, phase, hook) alive as long as the Function.
    return extism.Function(dummy.entry.namespace, dummy.entry.name, params, results, _call_dummy, dummy, phase, hook)
