"""The host ABI manifest: what a host provides, in which namespace, with which type, in which phase.

These values are what the rules compare modules with. They are plain: reading them from TOML is ``load``'s job
(through ``loader`` and ``cache``), so nothing here imports a parser. The format is documented in
``docs/manifest.md`` and described by ``schemas/manifest.schema.json``.
"""

from __future__ import annotations

import fnmatch
import os
from typing import Literal

from ..model import ExternKind, ExternType
from ..record import Record, field
from .presetinfo import PresetInfo

PRESET_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "presets")
PRESETS = (
    "wasi_snapshot_preview1",
    "extism",
    *sorted(
        name[: -len(".toml")]
        for name in os.listdir(PRESET_DIR)
        if name.endswith(".toml") and name[: -len(".toml")] not in ("wasi_snapshot_preview1", "extism")
    ),
)
"""Every built-in preset: the two original ones, then the ecosystems' (one data file each), by name."""
PRESET_ALIASES = {"wasi": "wasi_snapshot_preview1", "extism:host/env": "extism"}
CLOSE_NAMES_KEPT = 4096
"""How many missed names' close matches a manifest remembers (``Manifest.close_name``) before it starts again."""
RUN_PHASE = "run"
ANY_SIGNATURE = "*"


class ManifestError(Exception):
    """A manifest that cannot be used: the file, the line where known, and a plain sentence."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        super().__init__(path, line, message)
        self.path = path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class Provided(Record):
    """One thing the host provides for import: a function, memory, table, global or tag (or a name pattern)."""

    namespace: str
    name: str
    kind: ExternKind
    type: ExternType | None
    """None for a pattern whose functions the host synthesises for any signature."""
    pattern: bool = False
    deprecated: str | None = None
    forbidden: str | None = None
    source: str = ""
    """The manifest file (or ``preset:NAME``) that declares it."""
    line: int | None = None
    preset: str | None = None
    versions: tuple[str, ...] | None = None
    """The preset versions that have it (None: all); for presets whose modules declare a version."""
    since: str | None = None
    """The first host version that provides it (None: every version); see ``axis``."""
    until: str | None = None
    """The first host version that no longer provides it."""
    axis: str = "host"
    """What ``since`` and ``until`` count: ``host`` (the host's releases) or ``preset`` (the preset's versions)."""
    sdk_only: bool = False
    """Known only from an SDK's declaration: the host's own source could not be read for it."""
    long_name: str | None = None
    """The descriptive name of a short import name (Soroban's ``b.j`` is bytes_copy_from_linear_memory)."""
    cite: str = ""
    """Where a preset entry's facts come from (a key of the preset's sources, with detail)."""
    any_limits: bool = False
    """A memory or table the host creates with the import's own limits (wasi-threads' shared memory)."""

    @property
    def key(self) -> str:
        return f"{self.namespace}.{self.name}"


class ExportSpec(Record):
    name: str
    kind: ExternKind
    type: ExternType | None
    required: bool
    source: str = ""
    line: int | None = None
    preset: str | None = None
    versions: tuple[str, ...] | None = None
    since: str | None = None
    until: str | None = None
    axis: str = "host"
    cite: str = ""
    required_until: str | None = None
    """A required export that the host stops requiring from this release on (CosmWasm's ``instantiate``)."""
    alternatives: tuple[tuple[ExternType, str | None], ...] = ()
    """Other types the host also accepts, each from a release on (None: always)."""
    sdk_only: bool = False
    one_of: str | None = None
    """A group of exports of which the host needs at least one (proxy-wasm's allocator: malloc or
    proxy_on_memory_allocate); each member is itself optional."""


class Phase(Record):
    name: str
    provides: tuple[str, ...]
    """``namespace.name`` keys (or glob patterns over them) of manifest entries available in the phase."""
    missing: Literal["error", "dummy"] = "error"
    source: str = ""
    line: int | None = None


class LintSettings(Record):
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()


class Manifest(Record):
    path: str
    host: str
    presets: tuple[str, ...] = ()
    provided: tuple[Provided, ...] = ()
    exports: tuple[ExportSpec, ...] = ()
    phases: tuple[Phase, ...] = ()
    lint: LintSettings = LintSettings()
    host_versions: tuple[str, ...] = ()
    """The host's releases, oldest first, that ``since`` and ``until`` refer to (``[host] versions``)."""
    host_label: str = ""
    """How a host version is named in messages (``Envoy``): the name of the host whose releases they are."""
    preset_info: tuple[PresetInfo, ...] = ()
    """The versioned presets the manifest includes, with what they know of their versions and markers."""
    preset_pins: tuple[tuple[str, str], ...] = ()
    """(preset, version) for each preset written ``NAME@VERSION``; the others follow each module's marker."""
    world: str | None = None
    """The WIT world that components are checked against (``[host] world``), or None."""
    wit: str | None = None
    """The WIT package that defines ``world``: a binary package, a ``.wit`` file or a directory (``[host] wit``)."""
    world_line: int | None = None
    # Indexes over ``provided``, built once: a registry's manifest has thousands of entries, looked up per import.
    _exact: dict[tuple[str, str], Provided] = field(default_factory=dict, compare=False, repr=False)
    _patterns: list[Provided] = field(default_factory=list, compare=False, repr=False)
    _by_name: dict[str, list[Provided]] = field(default_factory=dict, compare=False, repr=False)
    _names_in: dict[str, list[str]] = field(default_factory=dict, compare=False, repr=False)
    _versioned: bool = field(default=False, compare=False, repr=False)
    _close: dict[tuple[str, str], str | None] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for entry in self.provided:
            self._by_name.setdefault(entry.name, []).append(entry)
            if entry.pattern:
                self._patterns.append(entry)
            else:
                self._exact[(entry.namespace, entry.name)] = entry
                self._names_in.setdefault(entry.namespace, []).append(entry.name)
        versioned = bool(
            self.preset_info
            or self.host_versions
            or any(e.since or e.until for e in self.provided)
            or any(e.since or e.until for e in self.exports)
        )
        object.__setattr__(self, "_versioned", versioned)  # past the frozen __setattr__, as the constructor sets

    @property
    def versioned(self) -> bool:
        """Whether checking against it involves versions: versioned presets, host releases, since/until."""
        return self._versioned

    def lookup(self, namespace: str, name: str) -> Provided | None:
        """The host's definition for an import, matching exact names first and then name patterns."""
        found = self._exact.get((namespace, name))
        if found is not None:
            return found
        for entry in self._patterns:
            if entry.namespace == namespace and fnmatch.fnmatchcase(name, entry.name):
                return entry
        return None

    def by_name(self, name: str) -> list[Provided]:
        """Every entry of that name, in any namespace, patterns included (in the manifest's order)."""
        return self._by_name.get(name, [])

    def close_name(self, namespace: str, name: str) -> str | None:
        """The name the host provides in ``namespace`` that ``name`` is most likely a misspelling of (``difflib``'s
        closest match, at a ratio of 0.8 or more), or None; remembered, since a batch misses the same names often."""
        key = (namespace, name)
        if key in self._close:
            return self._close[key]
        # Names whose length alone rules them out (difflib's first test, real_quick_ratio: 2 * shorter / both >= 0.8)
        # are left out first: most missed imports then have no candidate, and build no matcher.
        size = len(name)
        names = [n for n in self._names_in.get(namespace, ()) if 5 * min(len(n), size) >= 2 * (len(n) + size)]
        close = None
        if names:
            import difflib  # only when an import is missing

            found = difflib.get_close_matches(name, names, n=1, cutoff=0.8)
            close = found[0] if found else None
        if len(self._close) >= CLOSE_NAMES_KEPT:  # a registry's long-lived Checker meets endless new names
            self._close.clear()
        self._close[key] = close
        return close

    def in_phase(self, phase: Phase, entry: Provided) -> bool:
        """Whether the host supplies ``entry`` (for real) in ``phase``: presets always, others when listed."""
        if entry.preset is not None:
            return True
        return any(fnmatch.fnmatchcase(entry.key, key) for key in phase.provides)
