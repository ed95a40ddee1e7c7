"""Dummies at load time, for Python hosts that load any plugin (to read its metadata, say) whatever it imports.

What ``wasmlint gen`` writes ahead of time for known plugins, made here at run time for a plugin's bytes: ``plan``
decides, from the decoded module and the keys the host provides, which imports get a dummy and what each dummy does
when called, and refuses what the runtime cannot express with the reasons of ``gen``'s targets
(``gen/targets.py``); ``wasmtime_py`` defines the dummies on a wasmtime-py ``Linker`` and ``extism_py`` makes them
``extism.Function`` values for the Extism Python SDK. Only those two modules import their runtime, which stays a
dependency of the host, not of wasmlint.
"""
