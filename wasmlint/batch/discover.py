"""The files a command is pointed at: files as named, folders searched for ``.wasm`` files, globs expanded.

As ruff and black take paths: a file named on the command line is always used, whatever excludes it; a folder is
searched, sorted, for ``*.wasm`` files (components too), skipping what ``.gitignore`` files ignore (those of the
folder, of the folders below it, and of its parents up to the repository's root, with ``.git/info/exclude``) and
what the exclude patterns match; a pattern that names no existing file is expanded as a glob (``**`` crosses
folders). Found files are reported relative to where they were found: ``plugins`` gives ``plugins/a/b.wasm``.

Exclude patterns are ``fnmatch`` globs matched against a file's or a folder's name, and, when they hold a ``/``,
against its path relative to the current directory. ``exclude`` replaces :data:`DEFAULT_EXCLUDE`;
``extend-exclude`` adds to it. Both come from the nearest configuration at or above the current directory (the
``[lint]`` table of a ``wasmlint.toml``, else ``[tool.wasmlint]`` in a ``pyproject.toml``), and from ``--exclude``
/ ``--extend-exclude``, which add to the configuration's.
"""

from __future__ import annotations

import fnmatch
import glob
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence

from ..record import Record

SUFFIX = ".wasm"
MANIFEST_NAME = "wasmlint.toml"
"""The file ``check`` takes its manifest and settings from (``manifest/config.py``), whose ``[lint]`` may exclude."""

DEFAULT_EXCLUDE = (
    ".git",
    ".hg",
    ".svn",
    ".bzr",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "__pycache__",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "node_modules",
    "site-packages",
)
"""Folders no one means to lint: version control, virtual environments, caches, installed packages. Build folders
(``build``, ``dist``, ``target``) are not here: they are where plugins are built, and ``.gitignore`` usually says."""


class DiscoveryError(Exception):
    """A configuration of exclusions that cannot be used (``path: message``)."""


class Exclusions(Record):
    patterns: tuple[str, ...] = DEFAULT_EXCLUDE
    respect_gitignore: bool = True

    def matches(self, path: str) -> bool:
        """Whether ``path`` (as found, relative or absolute) is excluded by a pattern."""
        name = os.path.basename(path)
        relative: str | None = None
        for pattern in self.patterns:
            if fnmatch.fnmatchcase(name, pattern):
                return True
            if "/" in pattern:
                if relative is None:
                    relative = os.path.relpath(path).replace(os.sep, "/")
                if fnmatch.fnmatchcase(relative, pattern.strip("/")):
                    return True
        return False


def exclusions(exclude: Sequence[str] = (), extend_exclude: Sequence[str] = (), *, start: str = ".") -> Exclusions:
    """The exclusions in force: those of the nearest configuration at or above ``start``, then the command
    line's. Raises :class:`DiscoveryError` for a malformed setting."""
    configured, extended, respect = _configured(start)
    patterns = tuple(configured) if configured is not None else DEFAULT_EXCLUDE
    if exclude:
        patterns = tuple(exclude)
    return Exclusions((*patterns, *extended, *extend_exclude), respect)


def _configured(start: str) -> tuple[list[str] | None, list[str], bool]:
    """``exclude``, ``extend-exclude`` and ``respect-gitignore`` of the nearest configuration, found as ``check``
    finds its manifest: in each folder from ``start`` up, a ``wasmlint.toml`` (its ``[lint]`` table), else a
    ``pyproject.toml`` with a ``[tool.wasmlint]`` table. The first found decides, even when it sets none of them."""
    folder = os.path.abspath(start)
    while True:
        found = _table(os.path.join(folder, MANIFEST_NAME), ("lint",), must_exist=False)
        if found is None:
            found = _table(os.path.join(folder, "pyproject.toml"), ("tool", "wasmlint"), must_exist=True)
        if found is not None:
            table, where = found
            return (
                _patterns(table, "exclude", where),
                _patterns(table, "extend-exclude", where) or [],
                _flag(table, "respect-gitignore", where),
            )
        parent = os.path.dirname(folder)
        if parent == folder:
            return None, [], True
        folder = parent


def _table(path: str, keys: tuple[str, ...], *, must_exist: bool) -> tuple[dict[str, object], str] | None:
    """The table at ``keys`` of the TOML file ``path`` and how to name it in a message; ``None`` when there is no
    such file, or (``must_exist``) no such table. A ``wasmlint.toml`` counts even without a ``[lint]`` table."""
    if not os.path.isfile(path):
        return None
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    shown = f"{path}: [{'.'.join(keys)}]"
    try:
        with open(path, "rb") as file:
            data: object = tomllib.load(file)
    except (OSError, ValueError) as exc:
        raise DiscoveryError(f"{shown}: cannot read: {exc}") from None
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    if isinstance(data, dict):
        return data, shown
    return None if must_exist else ({}, shown)


def _patterns(table: dict[str, object], key: str, where: str) -> list[str] | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise DiscoveryError(f"{where} {key} must be a list of glob patterns (strings)")
    return value


def _flag(table: dict[str, object], key: str, where: str) -> bool:
    value = table.get(key, True)
    if not isinstance(value, bool):
        raise DiscoveryError(f"{where} {key} must be true or false")
    return value


def expand(arguments: Iterable[str], exclude: Sequence[str] = (), extend_exclude: Sequence[str] = ()) -> Iterator[str]:
    """The files the command-line ``arguments`` name, in order: files as given, folders searched and globs expanded
    (a file they find is skipped when it was named or found before). An argument that names nothing is passed on
    as it is, for the command to report. The configuration is read only for a folder or a glob, so that naming
    files (as pre-commit does) costs nothing. Raises :class:`DiscoveryError` for exclusions that cannot be used."""
    rules: Exclusions | None = None
    seen: set[str] = set()
    ignores = _GitIgnores()
    for argument in arguments:
        explicit = not os.path.isdir(argument) and (os.path.lexists(argument) or not glob.has_magic(argument))
        if explicit:
            found: Iterable[str] = [argument]  # named: always used (or reported, when it cannot be read)
        else:
            rules = rules or exclusions(exclude, extend_exclude)
            search = _search if os.path.isdir(argument) else _globbed
            found = search(argument, rules, ignores)
        for path in found:
            if explicit or path not in seen:  # a file named twice is used twice, as before; one found, once
                seen.add(path)
                yield path


def _globbed(pattern: str, rules: Exclusions, ignores: _GitIgnores) -> Iterator[str]:
    matched = sorted(glob.glob(pattern, recursive=True))
    if not matched:
        yield pattern  # nothing matches: the command says it cannot read it
    # The folders a match passes through below the pattern's fixed part are subject to the exclusions too.
    fixed = pattern.replace(os.sep, "/").split("/")
    depth = next((i for i, part in enumerate(fixed) if glob.has_magic(part)), len(fixed))
    for path in matched:
        parts = path.replace(os.sep, "/").split("/")
        folders = ["/".join(parts[:end]) for end in range(depth + 1, len(parts))]
        if any(rules.matches(f) or ignores.ignored(f, True, rules) for f in folders):
            continue
        if os.path.isdir(path):
            yield from _search(path, rules, ignores)
        elif path.endswith(SUFFIX) and not rules.matches(path) and not ignores.ignored(path, False, rules):
            yield path


def _search(top: str, rules: Exclusions, ignores: _GitIgnores) -> Iterator[str]:
    """The ``.wasm`` files below ``top``, sorted by path, skipping excluded and git-ignored files and folders."""
    for folder, folders, files in os.walk(top):
        kept = []
        for name in sorted(folders):
            path = os.path.join(folder, name)
            if not rules.matches(path) and not ignores.ignored(path, True, rules):
                kept.append(name)
        folders[:] = kept
        for name in sorted(files):
            if not name.endswith(SUFFIX):
                continue
            path = os.path.join(folder, name)
            if not rules.matches(path) and not ignores.ignored(path, False, rules):
                yield os.path.relpath(path) if top in (".", "./") else path


# --- .gitignore --------------------------------------------------------------------------------------------------


class _Rule(Record):
    regex: re.Pattern[str]
    negated: bool
    folders_only: bool


class _GitIgnores:
    """The ``.gitignore`` rules that apply to a path: those of its folder and every folder above it up to the
    repository's root (and ``.git/info/exclude``), outermost first, the last match winning, as git decides."""

    def __init__(self) -> None:
        self.by_folder: dict[str, list[_Rule]] = {}
        self.roots: dict[str, str | None] = {}

    def ignored(self, path: str, is_folder: bool, rules: Exclusions) -> bool:
        if not rules.respect_gitignore:
            return False
        absolute = os.path.abspath(path)
        root = self.root(os.path.dirname(absolute))
        if root is None:
            return False
        verdict = False
        folder = os.path.dirname(absolute)
        chain = []
        while True:
            chain.append(folder)
            if folder == root:
                break
            folder = os.path.dirname(folder)
        for base in reversed(chain):
            relative = os.path.relpath(absolute, base).replace(os.sep, "/")
            for rule in self.rules(base, root):
                if (is_folder or not rule.folders_only) and rule.regex.fullmatch(relative):
                    verdict = not rule.negated
        return verdict

    def root(self, folder: str) -> str | None:
        """The repository's root above ``folder`` (the folder holding ``.git``), or None outside a repository."""
        if folder not in self.roots:
            parent = os.path.dirname(folder)
            if os.path.exists(os.path.join(folder, ".git")):
                self.roots[folder] = folder
            else:
                self.roots[folder] = None if parent == folder else self.root(parent)
        return self.roots[folder]

    def rules(self, folder: str, root: str) -> list[_Rule]:
        if folder not in self.by_folder:
            found = []
            sources = [os.path.join(folder, ".gitignore")]
            if folder == root:
                sources.insert(0, os.path.join(folder, ".git", "info", "exclude"))
            for source in sources:
                try:
                    with open(source, encoding="utf-8", errors="surrogateescape") as file:
                        lines = file.read().splitlines()
                except OSError:
                    continue
                found += [rule for rule in map(gitignore_rule, lines) if rule is not None]
            self.by_folder[folder] = found
        return self.by_folder[folder]


def gitignore_rule(line: str) -> _Rule | None:
    """One line of a ``.gitignore`` as a rule on paths relative to its folder (gitignore(5)), or None for a blank
    line or a comment."""
    stripped = line.rstrip(" ") if not line.endswith("\\ ") else line[:-2] + " "
    if not stripped or stripped.startswith("#"):
        return None
    negated = stripped.startswith("!")
    if negated or stripped.startswith(("\\!", "\\#")):
        stripped = stripped[1:]
    folders_only = stripped.endswith("/")
    stripped = stripped.rstrip("/")
    if not stripped:
        return None
    anchored = "/" in stripped
    body = _translate(stripped.lstrip("/"))
    regex = re.compile(body if anchored else f"(?:.*/)?{body}", re.DOTALL)
    return _Rule(regex, negated, folders_only)


def _translate(pattern: str) -> str:
    """A gitignore glob as a regular expression: ``*`` and ``?`` stop at ``/``, ``**`` crosses folders."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("/**", i) and i + 3 == len(pattern):
            out.append("/.*")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            end = pattern.find("]", i + 2)
            if end < 0:
                out.append(re.escape("["))
                i += 1
                continue
            inner = pattern[i + 1 : end]
            if inner.startswith("!"):
                inner = "^" + inner[1:]
            out.append("[" + inner.replace("\\", "\\\\") + "]")
            i = end + 1
        elif pattern[i] == "\\" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)
