"""The host's side: what a host provides for import, which exports it calls, in which phases.

``values`` holds the plain values (``Manifest``, ``Provided``, ``Phase``, ...) and imports nothing that reads
files; ``load`` is the entry point that reads a manifest or presets (through ``loader``, which parses and validates
TOML with positions from ``tomlpos`` and signatures from ``signature``, and ``cache``, which keeps loaded manifests
between runs); ``config`` finds the manifest and lint settings for a file as ruff finds its configuration. The
presets themselves are data, in ``wasmlint/presets/``.
"""
