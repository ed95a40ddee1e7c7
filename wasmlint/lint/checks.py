"""Compare a decoded module with a manifest and produce findings: the rules behind ``wasmlint check``.

Each rule is one small function; :func:`check_module` runs them all for one module, so every problem of every
import is reported at once (runtimes stop at the first).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from ..manifest.values import ExportSpec, Manifest, Phase, Provided
from ..model import COMPONENT_NOTE, FuncType, GlobalType, Import, MemoryType, Module, TableType, TagType
from .diagnostics import Finding, Location, Severity
from .rules import RULES_BY_CODE

if TYPE_CHECKING:
    from .versions import Context

LEGACY_EXTISM_PREFIX = "extism_"
EXTISM_NAMESPACE = "extism:host/env"
KIND_NAMES = {"func": "a function", "table": "a table", "memory": "a memory", "global": "a global", "tag": "a tag"}


def finding(
    code: str,
    message: str,
    location: Location,
    *,
    related: Iterable[Location] = (),
    phase: str | None = None,
    subject: str = "",
    severity: Severity | None = None,
) -> Finding:
    return Finding(
        code,
        severity or RULES_BY_CODE[code].severity,
        message,
        location,
        tuple(related),
        phase,
        subject,
    )


def check_module(
    path: str, module: Module, manifest: Manifest, phases: Iterable[Phase] = (), context: Context | None = None
) -> list[Finding]:
    """Every finding about ``module`` against ``manifest``; ``context`` (``wasmlint.versions``) says which host
    release and preset versions are checked, when the manifest has versions."""
    if module.kind == "component":
        return [finding("WL002", COMPONENT_NOTE, Location(path, 0), subject=path)]
    findings: list[Finding] = []
    resolved: list[tuple[Import, Provided]] = []
    for imp in module.imports:
        entry = manifest.lookup(imp.module, imp.name)
        if entry is None:
            elsewhere = context.other_version(path, imp) if context is not None else None
            findings.append(elsewhere or missing_import(path, imp, manifest))
            continue
        if context is not None:
            unavailable = context.unavailable(path, imp, entry, f"{_shown(imp, entry)} {_type_text(imp)}")
            if unavailable is not None:
                findings.append(unavailable)
                continue
        resolved.append((imp, entry))
        if entry.forbidden or entry.deprecated or imp.kind != entry.kind or not _fits(imp.type, entry.type):
            findings.extend(import_against_entry(path, imp, entry))
    for phase in phases:
        findings.extend(phase_findings(path, resolved, manifest, phase))
    groups: dict[str, list[ExportSpec]] = {}
    for spec in manifest.exports:
        if context is None or context.export_in_force(spec):
            findings.extend(export_findings(path, module, spec))
            if spec.one_of is not None:
                groups.setdefault(spec.one_of, []).append(spec)
    for members in groups.values():
        if not any(module.export(spec.name) is not None for spec in members):
            names = " or ".join(f"{spec.name} {spec.type}" if spec.type else spec.name for spec in members)
            findings.append(
                finding(
                    "WL201",
                    f"required export missing: the host needs {names}",
                    Location(path),
                    related=_manifest_location(members[0]),
                    subject=members[0].name,
                )
            )
    return findings


def _fits(wanted: object, provided: object) -> bool:
    """Whether an import's type is the one the host provides, or the host's entry has none (a pattern): the common
    case, decided without building what a finding would say."""
    return provided is None or wanted == provided


def _shown(imp: Import, entry: Provided) -> str:
    """An import's key, with the entry's descriptive name beside a short one (Soroban's ``b.j``)."""
    return f"{imp.module}.{imp.name} ({entry.long_name})" if entry.long_name else f"{imp.module}.{imp.name}"


def _where(path: str, imp: Import) -> Location:
    return Location(path, imp.offset)


def _manifest_location(entry: Provided | ExportSpec) -> list[Location]:
    if entry.source.startswith("preset:") or not entry.source:
        return []
    return [Location(entry.source, line=entry.line)]


def _key(imp: Import) -> str:
    return f"{imp.module}.{imp.name}"


def missing_import(path: str, imp: Import, manifest: Manifest) -> Finding:
    """The most specific explanation of an import the host lacks: legacy name, other namespace, typo, or none."""
    key = _key(imp)
    where = _where(path, imp)
    described = f"import {key} {_type_text(imp)}"
    if imp.module == "env" and imp.name.startswith(LEGACY_EXTISM_PREFIX):
        modern = imp.name[len(LEGACY_EXTISM_PREFIX) :]
        return finding(
            "WL104",
            f"{described} is a pre-1.0 Extism name: current runtimes provide it as {EXTISM_NAMESPACE}.{modern}",
            where,
            subject=key,
        )
    elsewhere = [entry for entry in manifest.by_name(imp.name) if entry.namespace != imp.module]
    if elsewhere:
        namespaces = ", ".join(sorted({entry.namespace for entry in elsewhere}))
        fix = f"import it from {elsewhere[0].namespace}"
        if elsewhere[0].preset is None:
            fix = f"register the host function under {imp.module}, or {fix}"
        return finding(
            "WL102",
            f"{described} is not provided in namespace {imp.module}; the host provides {imp.name} in {namespaces}: "
            f"{fix}",
            where,
            related=_manifest_location(elsewhere[0]),
            subject=key,
        )
    close = manifest.close_name(imp.module, imp.name)
    if close is not None:
        suggestion = manifest.lookup(imp.module, close)
        return finding(
            "WL103",
            f"{described} is not provided by host {manifest.host}; did you mean {imp.module}.{close}?",
            where,
            related=_manifest_location(suggestion) if suggestion else (),
            subject=key,
        )
    return finding("WL101", f"{described} is not provided by host {manifest.host}", where, subject=key)


def import_against_entry(path: str, imp: Import, entry: Provided) -> Iterator[Finding]:
    key = _shown(imp, entry)
    subject = _key(imp)
    where = _where(path, imp)
    related = _manifest_location(entry)
    if entry.forbidden:
        yield finding("WL108", f"import {key} is forbidden: {entry.forbidden}", where, related=related, subject=subject)
    if entry.deprecated:
        yield finding(
            "WL109", f"import {key} is deprecated: {entry.deprecated}", where, related=related, subject=subject
        )
    if imp.kind != entry.kind:
        yield finding(
            "WL106",
            f"import {key} is {KIND_NAMES[imp.kind]}, the host provides {KIND_NAMES[entry.kind]}",
            where,
            related=related,
            subject=subject,
        )
        return
    if entry.type is None:
        return
    if isinstance(imp.type, (FuncType, TagType)):
        if (imp.type.params, imp.type.results) != (entry.type.params, entry.type.results):  # type: ignore[union-attr]
            yield finding(
                "WL105",
                f"import {key} has signature {imp.type}, the host provides {entry.type}{_mismatch_cause(imp, entry)}"
                + (" (the host's type is known from an SDK's declaration only)" if entry.sdk_only else ""),
                where,
                related=related,
                subject=subject,
            )
        return
    problem = _limits_problem(imp, entry)
    if problem and entry.any_limits:  # the host creates it with the import's own limits
        problem = _limits_problem(imp, _with_limits_of(imp, entry))
    if problem:
        yield finding("WL107", f"import {key} {problem}", where, related=related, subject=subject)


def _mismatch_cause(imp: Import, entry: Provided) -> str:
    """Known causes of a signature mismatch, said where they apply."""
    assert isinstance(imp.type, FuncType | TagType) and isinstance(entry.type, FuncType | TagType)
    split = tuple(part for value in entry.type.params for part in (("i32", "i32") if value == "i64" else (value,)))
    if "i64" in entry.type.params and imp.type.params == split and imp.type.results == entry.type.results:
        return (
            " (each i64 parameter arrives as two i32: the module was built without BigInt integration, "
            "e.g. emscripten without -sWASM_BIGINT)"
        )
    if entry.type == FuncType(("i64",), ("i64",)) and entry.preset is None:
        return " (a dummy written as (i64) -> i64 for every function does not fit this one)"
    return ""


def _with_limits_of(imp: Import, entry: Provided) -> Provided:
    """``entry`` with the import's limits: what a host that sizes the memory or table by the import provides."""
    from ..record import replace

    want, have = imp.type, entry.type
    if isinstance(want, (MemoryType, TableType)) and isinstance(have, (MemoryType, TableType)):
        return replace(entry, type=replace(have, min=want.min, max=want.max))
    return entry


def _limits_problem(imp: Import, entry: Provided) -> str:
    want, have = imp.type, entry.type
    if isinstance(want, GlobalType) and isinstance(have, GlobalType):
        if want != have:
            return f"needs global {want}, the host provides {have}"
        return ""
    if isinstance(want, (MemoryType, TableType)) and isinstance(have, (MemoryType, TableType)):
        what = "memory" if isinstance(want, MemoryType) else "table"
        reasons = []
        if want.index != have.index:
            reasons.append(f"index type {want.index} versus {have.index}")
        if want.shared != have.shared:
            reasons.append("shared versus unshared")
        if isinstance(want, TableType) and isinstance(have, TableType) and want.element != have.element:
            reasons.append(f"element {want.element} versus {have.element}")
        if isinstance(want, MemoryType) and isinstance(have, MemoryType) and want.page_size != have.page_size:
            reasons.append(f"page size {want.page_size} versus {have.page_size}")
        if have.min < want.min:
            reasons.append(f"the host's minimum {have.min} is below the required {want.min}")
        if want.max is not None and (have.max is None or have.max > want.max):
            shown = "no maximum" if have.max is None else f"maximum {have.max}"
            reasons.append(f"the host's {shown} exceeds the allowed maximum {want.max}")
        if reasons:
            return f"needs {what} {want}, the host provides {have}: " + "; ".join(reasons)
    return ""


def phase_findings(
    path: str, resolved: list[tuple[Import, Provided]], manifest: Manifest, phase: Phase
) -> Iterator[Finding]:
    for imp, entry in resolved:
        if manifest.in_phase(phase, entry):
            continue
        key = _key(imp)
        related = [Location(phase.source, line=phase.line)] if phase.source else []
        if phase.missing == "dummy":
            yield finding(
                "WL302",
                f"phase {phase.name}: import {key} {_type_text(imp)} is served by a dummy",
                _where(path, imp),
                related=related,
                phase=phase.name,
                subject=key,
            )
        else:
            yield finding(
                "WL301",
                f"phase {phase.name}: import {key} {_type_text(imp)} is neither provided nor stubbed "
                f'(add it to the phase\'s `provides`, or set missing = "dummy")',
                _where(path, imp),
                related=related,
                phase=phase.name,
                subject=key,
            )


def export_findings(path: str, module: Module, spec: ExportSpec) -> Iterator[Finding]:
    exp = module.export(spec.name)
    related = _manifest_location(spec)
    if exp is None:
        if spec.required:
            shown = f" {spec.type}" if spec.type is not None else ""
            yield finding(
                "WL201",
                f"required export {spec.name}{shown} is missing",
                Location(path),
                related=related,
                subject=spec.name,
            )
        return
    if exp.kind != spec.kind:
        yield finding(
            "WL202",
            f"export {spec.name} is {KIND_NAMES[exp.kind]}, the host uses it as {KIND_NAMES[spec.kind]}",
            Location(path, exp.offset),
            related=related,
            subject=spec.name,
        )
    elif spec.type is not None and exp.type != spec.type and all(exp.type != alt for alt, _ in spec.alternatives):
        yield finding(
            "WL202",
            f"export {spec.name} has {exp.type}, the host calls it as {spec.type}",
            Location(path, exp.offset),
            related=related,
            subject=spec.name,
        )


def unused_entries(manifest: Manifest, modules: Iterable[Module]) -> list[Finding]:
    """Manifest functions that no checked module imports (rule WL401, off by default)."""
    used = {(imp.module, imp.name) for module in modules for imp in module.imports}
    return [
        finding(
            "WL401",
            f"{entry.key} is declared but no checked module imports it",
            Location(entry.source, line=entry.line),
            subject=entry.key,
        )
        for entry in manifest.provided
        if entry.preset is None and not entry.pattern and (entry.namespace, entry.name) not in used
    ]


def _type_text(imp: Import) -> str:
    return str(imp.type) if imp.kind == "func" else f"({imp.kind} {imp.type})"
