"""The host's side: what a host provides for import, which exports it calls, in which phases and releases.

``values`` holds the plain values (``Manifest``, ``Provided``, ``Phase``, ...) and imports nothing that reads
files; ``load`` is the entry point that reads a manifest or presets (through ``loader``, which parses and validates
TOML with positions from ``tomlpos`` and signatures from ``signature``, and ``cache``, which keeps loaded manifests
between runs); ``config`` finds the manifest and lint settings for a file as ruff finds its configuration.
The built-in presets are data, in ``wasmlint/presets/``: ``preset_loader`` reads one (its entries per version and
its ``[preset]`` table, kept as ``presetinfo`` values), ``axes`` orders versions and says which entries are in
force at one, and ``catalog`` lists the presets and prints one as a manifest (``wasmlint presets``). ``world``
reads the WIT world that a manifest names for components (``[host] world`` and ``wit``).
"""
