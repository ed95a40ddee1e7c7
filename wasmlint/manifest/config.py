"""Find the manifest and lint settings for a file, as ruff finds its configuration.

Order: ``--manifest``; else the nearest ``wasmlint.toml`` in the file's directory or above; else the nearest
``pyproject.toml`` with a ``[tool.wasmlint]`` table (``manifest = "path"``, ``select``, ``ignore``,
``per-file-ignores``). Results are cached per directory, so many files in one run cost one search.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ..record import Record, field
from .load import load_manifest
from .values import LintSettings, Manifest, ManifestError

if TYPE_CHECKING:
    from .loader import Loader

MANIFEST_NAME = "wasmlint.toml"
TOOL_KEYS = {"manifest", "select", "ignore", "per-file-ignores", "exclude", "extend-exclude", "respect-gitignore"}
"""``exclude``, ``extend-exclude`` and ``respect-gitignore`` are read by ``discover.py`` (searching folders)."""


class Config(Record):
    manifest: Manifest
    lint: LintSettings
    root: str
    """The directory of the configuration file: per-file-ignores and reported paths are relative to it."""


class ConfigFinder(Record, frozen=False):
    explicit: str | None = None
    _by_dir: dict[str, Config | None] = field(default_factory=dict)
    _manifests: dict[str, Manifest] = field(default_factory=dict)

    def for_file(self, path: str) -> Config | None:
        if self.explicit is not None:
            manifest = self.manifest(self.explicit)
            return Config(manifest, manifest.lint, os.getcwd())
        directory = os.path.dirname(os.path.realpath(path))
        if directory not in self._by_dir:
            self._by_dir[directory] = self.search(directory)
        return self._by_dir[directory]

    def manifest(self, path: str) -> Manifest:
        resolved = os.path.realpath(path)
        if resolved not in self._manifests:
            self._manifests[resolved] = load_manifest(path)
        return self._manifests[resolved]

    def search(self, directory: str) -> Config | None:
        folder = directory
        while True:
            candidate = os.path.join(folder, MANIFEST_NAME)
            if os.path.isfile(candidate):
                manifest = self.manifest(candidate)
                return Config(manifest, manifest.lint, folder)
            pyproject = os.path.join(folder, "pyproject.toml")
            if os.path.isfile(pyproject):
                found = self.from_pyproject(pyproject)
                if found is not None:
                    return found
            parent = os.path.dirname(folder)
            if parent == folder:
                return None
            folder = parent

    def from_pyproject(self, pyproject: str) -> Config | None:
        from .cache import cached

        found = cached(
            f"pyproject\0{pyproject}\0{os.path.realpath(pyproject)}", lambda loader: read_tool_table(loader, pyproject)
        )
        if found is None:
            return None
        manifest = self.manifest(os.path.join(os.path.dirname(pyproject), found.manifest))
        lint = found.lint
        if not (lint.select or lint.ignore or lint.per_file_ignores):
            lint = manifest.lint
        return Config(manifest, lint, os.path.dirname(pyproject))


class ToolTable(Record):
    """A validated ``[tool.wasmlint]`` table."""

    manifest: str
    """The manifest's path, relative to the ``pyproject.toml``."""
    lint: LintSettings


def read_tool_table(loader: Loader, pyproject: str) -> ToolTable | None:
    """The ``[tool.wasmlint]`` table of ``pyproject``, or ``None`` when it has none; the loader notes the file."""
    from .loader import lint_settings

    try:
        with open(pyproject, encoding="utf-8") as file:
            text = file.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(pyproject, None, f"cannot read [tool.wasmlint]: {exc}") from None
    loader.sources.append((os.path.abspath(pyproject), text))
    doc = loader.parse(pyproject, text)  # invalid TOML: an error at its line
    tool: Any = doc.data.get("tool")
    table: Any = tool.get("wasmlint") if isinstance(tool, dict) else None
    if table is None:
        return None
    where = ("tool", "wasmlint")
    if not isinstance(table, dict):
        raise doc.fail(where, "[tool.wasmlint] must be a table")
    loader.check_keys(doc, where, table, TOOL_KEYS, "[tool.wasmlint]")
    manifest_path = table.get("manifest")
    if not isinstance(manifest_path, str):
        raise doc.fail((*where, "manifest"), '[tool.wasmlint] needs `manifest = "path/to/wasmlint.toml"`')
    return ToolTable(manifest_path, lint_settings(table, doc.fail, where))
