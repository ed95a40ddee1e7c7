"""Find the manifest and lint settings for a file, as ruff finds its configuration.

Order: ``--manifest``; else the nearest ``wasmlint.toml`` in the file's directory or above; else the nearest
``pyproject.toml`` with a ``[tool.wasmlint]`` table (``manifest = "path"``, ``select``, ``ignore``,
``per-file-ignores``). Results are cached per directory, so many files in one run cost one search.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from .manifest import Document, LintSettings, Loader, Manifest, ManifestError, lint_settings, load_manifest
from .record import field, record

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

MANIFEST_NAME = "wasmlint.toml"
TOOL_KEYS = {"manifest", "select", "ignore", "per-file-ignores"}


@record
class Config:
    manifest: Manifest
    lint: LintSettings
    root: Path
    """The directory of the configuration file: per-file-ignores and reported paths are relative to it."""


@record(frozen=False)
class ConfigFinder:
    explicit: Path | None = None
    _by_dir: dict[Path, Config | None] = field(default_factory=dict)
    _manifests: dict[Path, Manifest] = field(default_factory=dict)

    def for_file(self, path: Path) -> Config | None:
        if self.explicit is not None:
            manifest = self.manifest(self.explicit)
            return Config(manifest, manifest.lint, Path.cwd())
        directory = path.resolve().parent
        if directory not in self._by_dir:
            self._by_dir[directory] = self.search(directory)
        return self._by_dir[directory]

    def manifest(self, path: Path) -> Manifest:
        resolved = path.resolve()
        if resolved not in self._manifests:
            self._manifests[resolved] = load_manifest(path)
        return self._manifests[resolved]

    def search(self, directory: Path) -> Config | None:
        for folder in (directory, *directory.parents):
            candidate = folder / MANIFEST_NAME
            if candidate.is_file():
                manifest = self.manifest(candidate)
                return Config(manifest, manifest.lint, folder)
            pyproject = folder / "pyproject.toml"
            if pyproject.is_file():
                found = self.from_pyproject(pyproject)
                if found is not None:
                    return found
        return None

    def from_pyproject(self, pyproject: Path) -> Config | None:
        try:
            text = pyproject.read_text(encoding="utf-8")
            data = tomllib.loads(text)
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ManifestError(str(pyproject), None, f"cannot read [tool.wasmlint]: {exc}") from None
        table: Any = data.get("tool", {}).get("wasmlint")
        if table is None:
            return None
        where = ("tool", "wasmlint")
        doc = Document(str(pyproject), text, data)
        if not isinstance(table, dict):
            raise doc.fail(where, "[tool.wasmlint] must be a table")
        Loader.check_keys(doc, where, table, TOOL_KEYS, "[tool.wasmlint]")
        manifest_path = table.get("manifest")
        if not isinstance(manifest_path, str):
            raise doc.fail((*where, "manifest"), '[tool.wasmlint] needs `manifest = "path/to/wasmlint.toml"`')
        manifest = self.manifest(pyproject.parent / manifest_path)
        lint = lint_settings(table, doc.fail, where)
        if not (lint.select or lint.ignore or lint.per_file_ignores):
            lint = manifest.lint
        return Config(manifest, lint, pyproject.parent)
