"""Linting: a decoded module and a manifest in, findings out.

``rules`` is the registry of rule codes (what ``--select``, SARIF's ``rules[]`` and ``wasmlint rules`` read);
``checks`` compares one module with a manifest, phase by phase; ``diagnostics`` is the finding value every check
returns; ``run`` decodes files, finds their configuration and funnels every finding, sorted, to a renderer;
``per_module`` is its step for one decoded module, which ``checker`` (the library's ``Checker``) shares, for
modules given as bytes, paths or values.
For versioned hosts, ``markers`` reads the version a module declares (exports, custom sections, memories),
``versions`` picks the preset versions and host release a module is checked against, ``module_rules`` applies
what a preset's host refuses about a module's shape, and ``feature_rules`` the wasm features it refuses. ``world``
checks a component against the host's WIT world, and ``stream`` runs a batch file by file (in workers with ``-j``)
so that output streams.
"""
