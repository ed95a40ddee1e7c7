"""Versions: which version of each preset a module is checked against, and which host release.

A manifest may name its host's releases (``[host] versions``) and say in which release each entry appeared
(``since``) or was removed (``until``); a versioned preset knows its own versions (an ABI, a VM line, a protocol),
and a module may declare which one it targets with a marker (``wasmlint.markers``). :func:`select` decides, for one
module and one host release, the version of each preset, the entries in force, and the findings about markers;
the rules then consult the :class:`Context` for entries that exist only in other versions (WL110, WL111).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..manifest.axes import Chosen, earlier, in_window
from ..manifest.values import ExportSpec, Manifest, Provided
from ..record import Record, field
from .diagnostics import Finding, Location

if TYPE_CHECKING:
    from ..manifest.presetinfo import PresetInfo
    from ..model import Import, Module
    from .feature_rules import DataSource


class Context(Record, frozen=False):
    """What the rules need to know beyond the manifest in force: versions chosen and entries left out."""

    host_version: str | None = None
    host_versions: tuple[str, ...] = ()
    host_label: str = ""
    chosen: dict[str, Chosen] = field(default_factory=dict)
    preset_axes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Each preset's host releases (empty for a preset without them)."""
    preset_hosts: dict[str, str] = field(default_factory=dict)
    """The name of each preset's host (``Envoy``), for messages."""
    elsewhere: dict[tuple[str, str], list[Provided]] = field(default_factory=dict)
    """Entries of the presets' other versions, by (namespace, name): an import found here exists, but not in the
    version the module is checked against."""

    def unavailable(self, path: str, imp: Import, entry: Provided, shown: str) -> Finding | None:
        """WL110 or WL111 when ``entry`` lies outside the host release or preset version checked, else None."""
        from .checks import finding

        if entry.since is None and entry.until is None:
            return None
        chosen = self.chosen.get(entry.preset or "")
        if entry.axis == "preset" and chosen is not None:
            axis = chosen.info.versions
            if in_window(chosen.version, entry.since, entry.until, axis):
                return None
            window = _window(entry, lambda v: chosen.info.label(v))
            return finding(
                "WL111",
                f"import {shown} is provided {window}; the module is checked as {chosen.info.label(chosen.version)} "
                f"({chosen.why})",
                Location(path, imp.offset),
                subject=f"{imp.module}.{imp.name}",
            )
        release, axis, label = self.host_version, self.host_versions, self.host_label
        if entry.preset is not None and self.preset_axes.get(entry.preset) != self.host_versions:
            # the preset's host releases are not the manifest's: it is checked as of its newest release
            axis, label = self.preset_axes.get(entry.preset, ()), self.preset_hosts.get(entry.preset, "")
            release = axis[-1] if axis else None
        if release is None or in_window(release, entry.since, entry.until, axis):
            return None

        def host(version: str) -> str:
            return f"{label} {version}" if label else f"host {version}"

        return finding(
            "WL110",
            f"import {shown} is provided {_window(entry, host)}; checked against {host(release)}",
            Location(path, imp.offset),
            subject=f"{imp.module}.{imp.name}",
        )

    def release_for(self, info: PresetInfo | None) -> tuple[str | None, tuple[str, ...]]:
        """The release checked on the axis of a preset's ``since``/``until`` (its own host releases, the manifest's
        when it adopted them; its versions when it has no host releases), and that axis."""
        if info is None:
            return self.host_version, self.host_versions
        if info.host_versions:
            if info.host_versions == self.host_versions and self.host_version is not None:
                return self.host_version, info.host_versions
            return info.host_versions[-1], info.host_versions
        chosen = self.chosen.get(info.name)
        return (chosen.version if chosen else None), info.versions

    def export_in_force(self, spec: ExportSpec) -> bool:
        """Whether the host calls ``spec`` in the host release checked (exports with ``since``/``until``)."""
        if spec.axis != "host" or (spec.since is None and spec.until is None) or self.host_version is None:
            return True
        return in_window(self.host_version, spec.since, spec.until, self.host_versions)

    def other_version(self, path: str, imp: Import) -> Finding | None:
        """WL111 for an import that exists only in versions of a preset other than the one checked."""
        from .checks import finding

        found = self.elsewhere.get((imp.module, imp.name))
        if not found:
            return None
        entry = found[0]
        chosen = self.chosen[entry.preset or ""]
        versions = [v for v in chosen.info.versions if any(v in (e.versions or ()) for e in found)]
        named = f" ({entry.long_name})" if entry.long_name else ""
        return finding(
            "WL111",
            f"import {imp.module}.{imp.name}{named} {imp.type} is provided only in "
            f"{chosen.info.name} {chosen.info.version_label} {', '.join(versions)}; the module is checked as "
            f"{chosen.info.label(chosen.version)} ({chosen.why})",
            Location(path, imp.offset),
            subject=f"{imp.module}.{imp.name}",
        )


def _window(entry: Provided, shown: object) -> str:
    assert callable(shown)
    if entry.since is not None and entry.until is not None:
        return f"from {shown(entry.since)} on, until {shown(entry.until)} removed it"
    if entry.since is not None:
        return f"from {shown(entry.since)} on"
    return f"until {shown(entry.until)}, which removed it"


def host_versions_to_check(manifest: Manifest, asked: tuple[str, ...]) -> list[str | None] | str:
    """The host releases to check against, or an error message: each asked release (which must be declared when
    the manifest declares its releases), else the newest declared, else none in particular."""
    if not asked:
        return [manifest.host_versions[-1]] if manifest.host_versions else [None]
    if manifest.host_versions:
        unknown = [v for v in asked if v not in manifest.host_versions]
        if unknown:
            return (
                f"{manifest.path}: no host version {unknown[0]!r}; {manifest.host_label or 'the host'} versions: "
                + ", ".join(manifest.host_versions)
            )
    return list(asked)


def _exports_in_force(manifest: Manifest, context: Context) -> list[ExportSpec]:
    """The exports the host calls at the versions chosen: without those its marker reader checks itself, with
    ``required`` and accepted alternative signatures as of the release checked."""
    from .markers import owns_export

    infos = {info.name: info for info in manifest.preset_info}
    exports: list[ExportSpec] = []
    for spec in manifest.exports:
        info = infos.get(spec.preset or "")
        if info is not None and owns_export(info, spec.name):
            continue
        chosen = context.chosen.get(spec.preset or "")
        if chosen is not None and spec.versions is not None and chosen.version not in spec.versions:
            continue
        if (
            chosen is not None
            and spec.axis == "preset"
            and not in_window(chosen.version, spec.since, spec.until, chosen.info.versions)
        ):
            continue
        release, axis = context.release_for(info)
        if spec.required_until is not None or spec.alternatives:
            from ..record import replace

            required = spec.required and not (
                spec.required_until is not None
                and release is not None
                and not earlier(release, spec.required_until, axis)
            )
            alternatives = tuple(
                (extern, None)
                for extern, since in spec.alternatives
                if since is None or release is None or not earlier(release, since, axis)
            )
            spec = replace(spec, required=required, required_until=None, alternatives=alternatives)
        exports.append(spec)
    return exports


def select(
    path: str,
    module: Module,
    manifest: Manifest,
    host_version: str | None,
    views: dict[object, Manifest] | None = None,
    data: DataSource | None = None,
) -> tuple[Manifest, Context, list[Finding]]:
    """The manifest in force for ``module`` (its presets at the versions chosen), the context, marker findings.
    ``views`` keeps the manifests in force between modules of one run, by manifest and versions chosen; ``data``
    gives the module's bytes to a preset that refuses wasm features (``feature_rules``)."""
    from .markers import capability_findings, read_marker, version_findings

    findings: list[Finding] = []
    context = Context(host_version, manifest.host_versions, manifest.host_label)
    context.preset_axes = {info.name: info.host_versions for info in manifest.preset_info}
    context.preset_hosts = {info.name: info.host or info.name for info in manifest.preset_info}
    pins = dict(manifest.preset_pins)
    for info in manifest.preset_info:
        if info.extra:
            from .feature_rules import feature_findings
            from .module_rules import module_findings

            findings.extend(module_findings(path, module, info, *context.release_for(info), data=data))
            findings.extend(feature_findings(path, module, info, data, *context.release_for(info)))
        reading = read_marker(path, module, info) if info.marker else None
        if reading is not None:
            findings.extend(reading.findings)
        if not info.versions:
            continue
        chosen, more = version_findings(path, info, reading, pins.get(info.name))
        findings.extend(more)
        context.chosen[info.name] = chosen
        if reading is not None and reading.capabilities:
            release, axis = context.release_for(info)
            findings.extend(capability_findings(path, info, reading, release, axis, context))
    if not context.chosen:
        return manifest, context, findings
    view_key = (id(manifest), host_version, tuple((name, c.version) for name, c in context.chosen.items()))
    kept: list[Provided] = []
    for entry in manifest.provided:
        owner = context.chosen.get(entry.preset or "")
        if owner is None or entry.versions is None or owner.version in entry.versions:
            kept.append(entry)
        else:
            context.elsewhere.setdefault((entry.namespace, entry.name), []).append(entry)
    for name_key in {(e.namespace, e.name) for e in kept} & context.elsewhere.keys():
        del context.elsewhere[name_key]
    if views is not None and view_key in views:
        return views[view_key], context, findings
    exports = _exports_in_force(manifest, context)
    view = Manifest(
        path=manifest.path,
        host=manifest.host,
        presets=manifest.presets,
        provided=tuple(kept),
        exports=tuple(exports),
        phases=manifest.phases,
        lint=manifest.lint,
        host_versions=manifest.host_versions,
        host_label=manifest.host_label,
        preset_info=manifest.preset_info,
        preset_pins=manifest.preset_pins,
    )
    if views is not None:
        views[view_key] = view
    return view, context, findings


MISSING = ("WL101", "WL102", "WL103")


def advise(findings: list[Finding], manifest: Manifest) -> list[Finding]:
    """Findings about imports a preset's host lacks, with what the preset says to do about them: its advice for
    whole namespaces (the IC has no WASI: ``wasi-advice``, once per module), the functions it removed
    (``removed``), those it links only on debug chains (Stylus: ``debug-only-imports``) and those of legacy
    toolchains (CosmWasm: ``legacy-markers``) or builds (Shopify's untrampolined names: ``trampoline``)."""
    from ..record import replace

    notes: dict[str, str] = {}
    removed_names: set[str] = set()
    advice: list[tuple[tuple[str, ...], str]] = []
    for info in manifest.preset_info:
        for removed in _items(info.extra_value("removed")):
            for name in str(removed.get("name", "")).split(" / "):
                notes[name.strip()] = str(removed.get("note", ""))
                removed_names.add(name.strip())
        debug = info.extra_value("debug-only-imports")
        if isinstance(debug, dict):
            for linked in _items(debug.get("imports")):
                key = f"{linked.get('namespace')}.{linked.get('name')}"
                notes[key] = f"linked only on debug chains: {debug.get('about')}"
        for legacy in _items(info.extra_value("legacy-markers")):
            era = legacy.get("era_imports")
            for key in era if isinstance(era, list) else []:
                notes[str(key)] = (
                    f"an import of cosmwasm-std {legacy.get('cosmwasm_std')} contracts, which no current VM links"
                )
        trampoline = info.extra_value("trampoline")
        if isinstance(trampoline, dict) and isinstance(trampoline.get("names"), dict):
            for name, renamed in trampoline["names"].items():
                notes[str(name)] = (
                    f"an untrampolined build: the trampoline of the Shopify CLI's build renames it to {renamed}"
                )
        found = info.extra_value("wasi-advice")
        if isinstance(found, dict) and isinstance(found.get("message"), str):
            namespaces = tuple(n for n in found.get("namespaces", []) if isinstance(n, str))
            advice.append((namespaces, found["message"]))
    if not notes and not advice:
        return findings
    advised: set[tuple[str, str]] = set()
    out = []
    for item in findings:
        if item.code in MISSING:
            namespace, _, name = item.subject.partition(".")
            if notes.get(item.subject):
                item = replace(item, message=f"{item.message} ({notes[item.subject]})")
            elif notes.get(name) and name in removed_names:
                item = replace(item, message=f"{item.message} (removed from the host: {notes[name]})")
            elif notes.get(name):
                item = replace(item, message=f"{item.message} ({notes[name]})")
            for namespaces, message in advice:
                if namespace in namespaces and (item.path, message) not in advised:
                    advised.add((item.path, message))
                    item = replace(item, message=f"{item.message}. {message}")
        out.append(item)
    return out


def _items(value: object) -> list[dict[str, object]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def at_versions(manifest: Manifest) -> Manifest:
    """``manifest`` with each versioned preset at its pinned version, else its newest: the one set of functions a
    host provides when no module chooses (``wasmlint gen --manifest``)."""
    pins = dict(manifest.preset_pins)
    chosen = {info.name: pins.get(info.name, info.versions[-1]) for info in manifest.preset_info if info.versions}
    if not chosen:
        return manifest
    kept = tuple(e for e in manifest.provided if e.versions is None or chosen.get(e.preset or "") in e.versions)
    exports = tuple(e for e in manifest.exports if e.versions is None or chosen.get(e.preset or "") in e.versions)
    return Manifest(
        path=manifest.path,
        host=manifest.host,
        presets=manifest.presets,
        provided=kept,
        exports=exports,
        phases=manifest.phases,
        lint=manifest.lint,
        host_versions=manifest.host_versions,
        host_label=manifest.host_label,
        preset_info=manifest.preset_info,
        preset_pins=manifest.preset_pins,
    )
