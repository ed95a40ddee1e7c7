"""The library's check: a loaded manifest, and modules in (bytes, a path or a decoded module), findings out.

For a registry that scans uploads, or any program that checks plugins without a process or a CLI: a
:class:`Checker` is built once per host (a manifest file, built-in presets, or a :class:`Manifest` value) and
checks any number of modules, each independently, returning :class:`Finding` values. It writes nothing to standard
output or to disk and keeps what it needs on itself: a manifest is loaded without the cache of ``wasmlint check``
(``manifest/cache.py``), and configuration problems (an unknown phase, a host release the manifest does not
declare, a world that cannot be loaded) are raised as :class:`ManifestError` when the checker is built, not per
module.

The findings are those of ``wasmlint check --manifest M`` (or ``--preset``) on the same file, sorted the same way:
the per-module step is the command's own (``per_module.check_decoded``), and rule selection the same.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from ..decode.module import decode_bytes, decode_path
from ..decode.reader import DecodeError
from ..manifest.values import RUN_PHASE, Manifest, ManifestError, Phase
from ..model import Module
from .diagnostics import Finding, sorted_findings
from .feature_rules import DataSource, file_bytes
from .per_module import check_decoded, read_failure
from .rules import RULES_BY_CODE, enabled_codes

if TYPE_CHECKING:
    from ..decode.reader import Buffer
    from ..decode.wit import Component

BYTES_PATH = "<bytes>"
"""The path findings carry for a module given as bytes without a name."""


class Checker:
    """Checks modules against one host: its manifest (from :func:`load_manifest` or :func:`load_presets`), the
    phases, the host releases and the rules chosen.

    ``phases``: the manifest's phases to check (``run`` is the full run); default every one, as ``check`` does.
    ``host_versions``: the host releases to check against (each one); default the newest the manifest declares.
    ``select`` / ``ignore``: rule codes or prefixes, as ``--select`` / ``--ignore``; default the manifest's
    ``[lint]`` table. ``root``: the directory the manifest's ``per-file-ignores`` patterns are relative to, for
    absolute paths (default the manifest's own directory); a relative path or name is matched as given.
    Raises :class:`ManifestError` for a configuration the check cannot use.
    """

    def __init__(
        self,
        manifest: Manifest,
        *,
        phases: Sequence[str] = (),
        host_versions: Sequence[str] = (),
        select: Sequence[str] | None = None,
        ignore: Sequence[str] | None = None,
        root: str | os.PathLike[str] | None = None,
    ) -> None:
        self.manifest = manifest
        self.phases = _phases(manifest, tuple(phases))
        self.host_versions = tuple(host_versions)
        lint = manifest.lint
        self.codes = frozenset(enabled_codes(list(select or lint.select) or None, list(ignore or lint.ignore) or None))
        self.root = os.fspath(root) if root is not None else None
        self._views: dict[object, Manifest] = {}
        if self.host_versions or manifest.versioned:
            _check_host_versions(manifest, self.host_versions)
        self.world: tuple[str, Component] | None = None
        if manifest.world is not None:
            from ..manifest.world import read_world

            self.world = read_world(manifest)  # raises ManifestError now rather than once per component

    def check_bytes(self, data: Buffer, path: str = BYTES_PATH) -> list[Finding]:
        """The findings about the module (or component) in ``data``; ``path`` is the name findings carry. A
        module that cannot be decoded is one WL001 finding at the offset where decoding stopped."""
        try:
            module = decode_bytes(data)
        except DecodeError as exc:
            return self._selected([read_failure(path, exc)])
        from ..decode.component import decode_component

        return self._check(path, module, lambda: decode_component(data), lambda: data)

    def check_path(self, path: str | os.PathLike[str]) -> list[Finding]:
        """The findings about the file at ``path``; a file that cannot be read or decoded is one WL001 finding."""
        shown = os.fspath(path)
        try:
            module = decode_path(shown)
        except (DecodeError, OSError) as exc:
            return self._selected([read_failure(shown, exc)])
        from ..decode.component import decode_component_path

        return self._check(shown, module, lambda: decode_component_path(shown), partial(file_bytes, shown))

    def check_module(self, module: Module, path: str = BYTES_PATH) -> list[Finding]:
        """The findings about a decoded core module. A component is checked against a world from its bytes or
        path (``decode_bytes`` lists nothing of it): this raises ValueError for one when the manifest names a world.
        A preset that refuses wasm features (WL509) reads the module's code from the file at ``path``; with no such
        file, WL509 says the features were not checked.
        """
        return self._check(path, module, _no_component, partial(file_bytes, path))

    def _check(self, path: str, module: Module, component: Callable[[], Component], data: DataSource) -> list[Finding]:
        outcome = check_decoded(
            path,
            module,
            self.manifest,
            self.phases,
            self.host_versions,
            component=component,
            views=self._views,
            world=self.world,
            data=data,
        )
        if outcome.failure is not None:  # not reached: the configuration was validated when the checker was built
            raise ManifestError(self.manifest.path, None, outcome.failure)
        return self._selected(outcome.findings, path)

    def _selected(self, findings: list[Finding], path: str | None = None) -> list[Finding]:
        codes = self.codes - self._per_file_ignored(path) if path is not None else self.codes
        return sorted_findings([f for f in findings if f.code in codes])

    def _per_file_ignored(self, path: str) -> frozenset[str]:
        import fnmatch

        patterns = self.manifest.lint.per_file_ignores
        if not patterns:
            return frozenset()
        relative = path
        if os.path.isabs(path):
            relative = os.path.relpath(path, self.root or os.path.dirname(self.manifest.path))
        relative = os.path.normpath(relative).replace(os.sep, "/")
        ignored: set[str] = set()
        for pattern, prefixes in patterns:
            if fnmatch.fnmatchcase(relative, pattern) or fnmatch.fnmatchcase(os.path.basename(path), pattern):
                ignored |= {code for code in RULES_BY_CODE if code.startswith(prefixes)}
        return frozenset(ignored)


def load_manifest(path: str | os.PathLike[str]) -> Manifest:
    """The manifest file at ``path``, following ``extends`` and expanding its presets; read afresh (no cache).
    Raises :class:`ManifestError` naming the file and line of any problem."""
    from ..manifest.loader import Loader

    return Loader().load(os.fspath(path), chain=())


def load_presets(names: Sequence[str]) -> Manifest:
    """The manifest of built-in presets alone, as ``check --preset``: a name may pin a version (``cosmwasm@8``).
    Raises :class:`ManifestError` for an unknown preset or version."""
    from ..manifest.loader import Loader

    if isinstance(names, str):
        raise TypeError("names is a sequence of preset names, such as ['proxy-wasm'], not a string")
    return Loader().presets_only(list(names))


def _no_component() -> Component:
    raise ValueError("a component is checked against the host's world from its bytes: use check_bytes or check_path")


def _phases(manifest: Manifest, names: tuple[str, ...]) -> list[Phase]:
    """The phases chosen, as ``check --phase`` chooses them (``run`` is the implicit full run)."""
    if not names:
        return list(manifest.phases)
    known = {phase.name: phase for phase in manifest.phases}
    unknown = [name for name in names if name != RUN_PHASE and name not in known]
    if unknown:
        message = f"no phase {unknown[0]!r}; the manifest declares: " + ", ".join([RUN_PHASE, *known])
        raise ManifestError(manifest.path, None, message)
    return [known[name] for name in names if name != RUN_PHASE]


def _check_host_versions(manifest: Manifest, asked: tuple[str, ...]) -> None:
    from .versions import host_versions_to_check

    if asked and not manifest.versioned:
        raise ManifestError(manifest.path, None, f"host version {asked[0]}: the manifest declares no host versions")
    releases = host_versions_to_check(manifest, asked)
    if isinstance(releases, str):
        raise ManifestError(manifest.path, None, releases.removeprefix(f"{manifest.path}: "))
