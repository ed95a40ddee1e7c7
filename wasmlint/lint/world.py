"""A component against the host's WIT world: every problem at once, as findings (WL601-WL607, WL301/WL302).

Imports are matched as wasmtime's component linker matches them: by name, and failing that on the version's
semver track (``1.2.3`` with any ``1.x.y``; ``0.2.3`` with any ``0.2.x``; a ``0.0.x`` or pre-release version only
exactly). Within a matched interface every function the component imports must be there with the same type, and
every resource it imports must be a resource there; functions are compared structurally (named types expanded,
resources by the interface and name that define them), as the linker compares them, and shown in WIT on both
sides. The world's exports are what the host calls: each must be exported with at least the world's functions,
typed the same. The report is built as wac's ``targets`` builds its own (crates/wac-types/src/targets.rs: imports
the world lacks, exports missing, types that differ), but with versions matched on the semver track.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable

from ..decode.wit import (
    Component,
    Function,
    FuncType,
    Item,
    Named,
    ResourceType,
    TypeDef,
    function_shape,
    shape,
    unnamed,
)
from ..manifest.values import Manifest, Phase
from ..record import Record
from .checks import finding
from .diagnostics import Finding, Location

_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")


def split_version(name: str) -> tuple[str, str | None]:
    base, at, version = name.partition("@")
    return (base, version) if at else (name, None)


def semver_track(name: str) -> str | None:
    """The key under which wasmtime's linker also finds ``name`` (``wasi:cli/stdout@0.2``), or None when only the
    exact name matches (no version, a ``0.0.x`` or pre-release version, or one that is not semver)."""
    base, version = split_version(name)
    if version is None:
        return None
    parsed = _VERSION.match(version)
    if parsed is None or parsed.group(4):
        return None
    major, minor = int(parsed.group(1)), int(parsed.group(2))
    if major:
        return f"{base}@{major}"
    if minor:
        return f"{base}@0.{minor}"
    return None


class _Index:
    """The world's imports (or exports) by exact name, by semver track, and by name without version."""

    def __init__(self, items: Iterable[Item]) -> None:
        self.exact: dict[str, Item] = {}
        self.track: dict[str, Item] = {}
        self.versions: dict[str, list[str]] = {}
        for item in items:
            self.exact[item.name] = item
            track = semver_track(item.name)
            if track is not None:
                known = self.track.get(track)
                if known is None or _version_key(item.name) > _version_key(known.name):
                    self.track[track] = item  # the latest version of a track serves it, as in wasmtime
            base, version = split_version(item.name)
            if version is not None:
                self.versions.setdefault(base, []).append(version)

    def find(self, name: str) -> Item | None:
        found = self.exact.get(name)
        if found is None:
            track = semver_track(name)
            found = self.track.get(track) if track is not None else None
        return found


def _version_key(name: str) -> tuple[int, ...]:
    parsed = _VERSION.match(split_version(name)[1] or "")
    return tuple(int(parsed.group(n)) for n in (1, 2, 3)) if parsed else ()


def resource_labels(component: Component) -> dict[int, str]:
    """A label for every resource, by the interface (without version) and name that define it, so that the
    component's and the world's resources compare equal when they are the same WIT resource."""
    labels: dict[int, str] = {}
    for item in (*component.imports, *component.exports):
        scope = split_version(item.name)[0] if item.kind == "instance" else "world"
        for typedef in item.types:
            target = unnamed(typedef.type)
            if isinstance(target, ResourceType) and not isinstance(typedef.type.target, Named):
                labels.setdefault(target.uid, f"{scope}#{typedef.name}")
    return labels


class WorldCheck:
    """One component checked against one world."""

    def __init__(self, path: str, component: Component, world_name: str, world: Component, manifest: Manifest):
        self.path = path
        self.component = component
        self.world_name = world_name
        self.world = world
        self.manifest = manifest
        self.ours = resource_labels(component)
        self.theirs = resource_labels(world)
        self.related = [Location(manifest.path, line=manifest.world_line)]

    def findings(self, phases: Iterable[Phase]) -> list[Finding]:
        found: list[Finding] = []
        imports = _Index(self.world.imports)
        matched: list[tuple[Item, Item]] = []
        for item in self.component.imports:
            provided = imports.find(item.name)
            if provided is None:
                found.append(self._missing(item, imports))
                continue
            matched.append((item, provided))
            if provided.name != item.name:
                found.append(
                    self._finding(
                        "WL607",
                        item,
                        f"import {item.name} is satisfied by {provided.name} in world {self.world_name} "
                        "(a semver-compatible version)",
                    )
                )
            found.extend(self._compare_import(item, provided))
        for phase in phases:
            found.extend(self._phase(phase, matched))
        exports = _Index(self.component.exports)
        for wanted in self.world.exports:
            given = exports.find(wanted.name)
            if given is None:
                found.append(
                    finding(
                        "WL605",
                        f"world {self.world_name} exports {wanted.name} ({_kind(wanted)}), "
                        "which the component does not export",
                        Location(self.path, 0),
                        related=self.related,
                        subject=wanted.name,
                    )
                )
                continue
            found.extend(self._compare_export(given, wanted))
        return found

    # Imports

    def _finding(self, code: str, item: Item, message: str, phase: str | None = None) -> Finding:
        return finding(
            code, message, Location(self.path, item.offset), related=self.related, phase=phase, subject=item.name
        )

    def _missing(self, item: Item, imports: _Index) -> Finding:
        base, version = split_version(item.name)
        versions = imports.versions.get(base)
        if versions:
            shown = ", ".join(sorted(versions, key=lambda v: _version_key(f"x@{v}")))
            return self._finding(
                "WL602",
                item,
                f"import {item.name}: world {self.world_name} provides {base} only at {shown}, "
                f"not semver-compatible with {version}",
            )
        return self._finding("WL601", item, f"import {item.name} ({_kind(item)}) is not in world {self.world_name}")

    def _compare_import(self, item: Item, provided: Item) -> list[Finding]:
        if item.kind != provided.kind:
            return [
                self._finding(
                    "WL601",
                    item,
                    f"import {item.name} is a {_kind(item)} here, a {_kind(provided)} in world {self.world_name}",
                )
            ]
        found = []
        theirs = {f.name: f for f in provided.functions}
        for function in item.functions:
            other = theirs.get(function.name)
            where = "" if item.kind == "func" else f" {function.name}"
            if other is None:
                found.append(
                    self._finding(
                        "WL603",
                        item,
                        f"import {item.name}: function {function.name} is not in the world's {provided.name}",
                    )
                )
            elif function_shape(function.type, self.ours) != function_shape(other.type, self.theirs):
                found.append(
                    self._finding(
                        "WL604",
                        item,
                        f"import {item.name}{where}: {self._both(function, other, item, provided)}",
                    )
                )
        their_types = {t.name: t for t in provided.types}
        for typedef in item.types:
            other_type = their_types.get(typedef.name)
            ours_resource = isinstance(unnamed(typedef.type), ResourceType)
            if ours_resource and (other_type is None or not isinstance(unnamed(other_type.type), ResourceType)):
                found.append(
                    self._finding(
                        "WL603",
                        item,
                        f"import {item.name}: resource {typedef.name} is not in the world's {provided.name}",
                    )
                )
            elif (
                other_type is not None
                and not ours_resource
                and typedef.kind != "use"  # a used type differs where it is defined, and is reported there
                and shape(typedef.type, self.ours) != shape(other_type.type, self.theirs)
            ):
                found.append(
                    self._finding(
                        "WL604",
                        item,
                        f"import {item.name} type {typedef.name}: {_definition(typedef)} here, "
                        f"{_definition(other_type)} in the world",
                    )
                )
        return found

    def _both(self, ours: Function, theirs: Function, item: Item, provided: Item) -> str:
        """Both sides in WIT, with the definitions of the named types they use that differ."""
        text = f"{ours.text} here, {theirs.text} in the world"
        their_types = {t.name: t for t in provided.types}
        used = _named_in(ours.type)
        differing = [
            f"{_definition(t)} here, {_definition(their_types[t.name])} in the world"
            for t in item.types
            if t.name in their_types
            and t.name in used
            and not isinstance(unnamed(t.type), ResourceType)
            and shape(t.type, self.ours) != shape(their_types[t.name].type, self.theirs)
        ]
        return text + "".join(f"; {d}" for d in differing)

    def _phase(self, phase: Phase, matched: list[tuple[Item, Item]]) -> list[Finding]:
        found = []
        for item, provided in matched:
            base = split_version(provided.name)[0]
            if any(fnmatch.fnmatchcase(provided.name, p) or fnmatch.fnmatchcase(base, p) for p in phase.provides):
                continue
            if phase.missing == "dummy":
                message = f"phase {phase.name}: import {item.name} is served by a dummy"
                found.append(self._finding("WL302", item, message, phase.name))
            else:
                message = (
                    f"phase {phase.name}: import {item.name} ({_kind(item)}) is neither provided nor stubbed "
                    '(add it to the phase\'s `provides`, or set missing = "dummy")'
                )
                found.append(self._finding("WL301", item, message, phase.name))
        return found

    # Exports

    def _compare_export(self, given: Item, wanted: Item) -> list[Finding]:
        if given.kind != wanted.kind:
            return [
                self._finding(
                    "WL606",
                    given,
                    f"export {given.name} is a {_kind(given)} here, a {_kind(wanted)} in world {self.world_name}",
                )
            ]
        found = []
        ours = {f.name: f for f in given.functions}
        for function in wanted.functions:
            other = ours.get(function.name)
            where = "" if given.kind == "func" else f" {function.name}"
            if other is None:
                found.append(
                    self._finding(
                        "WL606",
                        given,
                        f"export {given.name}: function {function.name} (required by the world) is missing",
                    )
                )
            elif function_shape(other.type, self.ours) != function_shape(function.type, self.theirs):
                found.append(
                    self._finding(
                        "WL606", given, f"export {given.name}{where}: {other.text} here, {function.text} in the world"
                    )
                )
        return found


def _named_in(func: FuncType) -> set[str]:
    """The names of the named types a function's signature reaches."""
    names: set[str] = set()
    pending: list[object] = [t for _, t in func.params] + [func.result]
    while pending:
        t = pending.pop()
        if isinstance(t, Named):
            if t.name in names:
                continue
            names.add(t.name)
            pending.append(t.target)
        elif isinstance(t, Record):
            pending.extend(_children(t))
    return names


def _children(t: object) -> list[object]:
    found: list[object] = []
    for value in (getattr(t, name) for name in type(t).__record_compared__):  # type: ignore[attr-defined]
        if isinstance(value, tuple):
            for part in value:
                found.extend(part[1:] if isinstance(part, tuple) else [part])
        else:
            found.append(value)
    return found


def _kind(item: Item) -> str:
    return "interface" if item.kind == "instance" else item.kind


def _definition(typedef: TypeDef) -> str:
    if typedef.kind == "use":
        target = typedef.type.target
        return f"{typedef.definition} = {shape(target)}"
    return typedef.definition


def check_component(
    path: str, component: Component, world_name: str, world: Component, manifest: Manifest, phases: Iterable[Phase]
) -> list[Finding]:
    return WorldCheck(path, component, world_name, world, manifest).findings(phases)
