"""Checking one decoded module against one manifest: what ``wasmlint check`` does per file, with no file I/O.

``run`` reads files, finds their configuration and funnels findings; this is the step in between, shared with the
library API (``lint/checker.py``), so that a registry checking uploaded bytes gets exactly the findings the command
gives. A component is checked against the manifest's world when it names one; a manifest with versions (versioned
presets, host releases, ``since``/``until``) is checked per host release; any other, once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..decode.reader import DecodeError
from ..manifest.values import Manifest, ManifestError, Phase
from ..model import Module
from ..record import Record, field
from .checks import check_module, finding
from .diagnostics import Finding, Location

if TYPE_CHECKING:
    from ..decode.wit import Component
    from .feature_rules import DataSource


class ModuleOutcome(Record):
    """The findings about one module, and what stopped its check short of them."""

    findings: list[Finding] = field(default_factory=list)
    failure: str | None = None
    """A problem that is not about the module (a host release the manifest does not declare, a world that cannot be
    loaded): the module has no findings then."""
    malformed: bool = False
    """The component could not be decoded (its WL001 finding is among ``findings``)."""
    counted: bool = True
    """Whether the module is one of those WL401 (unused manifest entries) weighs: core modules that were checked."""


def check_decoded(
    path: str,
    module: Module,
    manifest: Manifest,
    phases: Sequence[Phase],
    host_versions: tuple[str, ...] = (),
    *,
    component: Callable[[], Component],
    views: dict[object, Manifest] | None = None,
    world: tuple[str, Component] | None = None,
    data: DataSource | None = None,
) -> ModuleOutcome:
    """Every finding about ``module`` (decoded from ``path``) against ``manifest`` in ``phases``, before rule
    selection. ``component`` decodes the component when ``module`` is one and the manifest names a world (it may
    raise DecodeError or OSError); ``views`` keeps the manifests in force between modules of one run; ``world`` is the
    manifest's world (qualified name, world), loaded by the caller, else here; ``data`` gives the module's bytes,
    read only for a preset that refuses wasm features."""
    if module.kind == "component" and manifest.world is not None:
        return _component_outcome(path, manifest, phases, component, world)
    if manifest.versioned or host_versions:
        return _versioned_outcome(path, module, manifest, phases, host_versions, views, data)
    return ModuleOutcome(check_module(path, module, manifest, phases))


def read_failure(path: str, exc: DecodeError | OSError) -> Finding:
    """WL001 for a module that cannot be read or decoded, located at the offset where decoding stopped."""
    message = exc.message if isinstance(exc, DecodeError) else f"cannot read: {exc.strerror or exc}"
    offset = exc.offset if isinstance(exc, DecodeError) else None
    return finding("WL001", message, Location(path, offset), subject=path)


def _versioned_outcome(
    path: str,
    module: Module,
    manifest: Manifest,
    phases: Sequence[Phase],
    asked: tuple[str, ...],
    views: dict[object, Manifest] | None,
    data: DataSource | None = None,
) -> ModuleOutcome:
    """The findings against each host release asked for (the newest declared by default), once each."""
    from .versions import advise, host_versions_to_check, select

    if asked and not manifest.versioned:
        message = f"{manifest.path}: --host-version {asked[0]}: the manifest declares no host versions"
        return ModuleOutcome(failure=message, counted=False)
    releases = host_versions_to_check(manifest, asked)
    if isinstance(releases, str):
        return ModuleOutcome(failure=releases, counted=False)
    found: dict[Finding, None] = {}
    for release in releases:
        view, context, marker_findings = select(path, module, manifest, release, views, data)
        found.update(dict.fromkeys(marker_findings))
        found.update(dict.fromkeys(check_module(path, module, view, phases, context)))
    return ModuleOutcome(advise(list(found), manifest))


def _component_outcome(
    path: str,
    manifest: Manifest,
    phases: Sequence[Phase],
    component: Callable[[], Component],
    world: tuple[str, Component] | None,
) -> ModuleOutcome:
    """A component against the manifest's world (``[host] world``)."""
    from ..manifest.world import load_world
    from .world import check_component

    if world is None:
        try:
            world = load_world(manifest)
        except ManifestError as exc:
            return ModuleOutcome(failure=str(exc), counted=False)
    try:
        decoded = component()
    except (DecodeError, OSError) as exc:
        return ModuleOutcome([read_failure(path, exc)], malformed=True, counted=False)
    return ModuleOutcome(check_component(path, decoded, *world, manifest, phases), counted=False)
