"""Version markers: what a module says, in its own exports, imports, memories or custom sections, about the host
version it targets, read from the decoded module model.

Each ecosystem marks versions its own way; a preset's ``[preset] marker`` names the reader below. A reader reports
the version a module declares (or None) and findings about the marker itself: missing (WL501), naming a version the
preset does not know (WL502), present more than once (WL503), from a legacy toolchain (WL504), malformed (WL506),
namespaces the host refuses together (WL507). :func:`version_findings` then chooses the version checked, against a
pin where one is given (WL508), and checks required capabilities (WL505). Markers come from untrusted binaries:
every fault is a finding, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..manifest.axes import Chosen, earlier
from ..record import Record, field
from .diagnostics import Finding, Location

if TYPE_CHECKING:
    from ..manifest.presetinfo import PresetInfo
    from ..model import Module
    from .versions import Context


class Reading(Record, frozen=False):
    version: str | None = None
    """The version the module declares, when it declares one the preset knows."""
    why: str = ""
    """How it declares it: ``export proxy_abi_version_0_2_1``."""
    ordered: bool = False
    """A declared version below a pinned one is fine (the host runs older modules): Soroban's protocol."""
    findings: list[Finding] = field(default_factory=list)
    capabilities: list[tuple[str, int]] = field(default_factory=list)
    """Capabilities the module requires, with the offset of what requires each (CosmWasm's ``requires_*``)."""


def _finding(code: str, message: str, path: str, offset: int | None, subject: str) -> Finding:
    from .checks import finding

    return finding(code, message, Location(path, offset), subject=subject)


def _known(info: PresetInfo) -> str:
    return ", ".join(info.versions)


def proxy_wasm(path: str, module: Module, info: PresetInfo) -> Reading:
    """``proxy_abi_version_X_Y_Z``: the export by which proxy-wasm-cpp-host picks the ABI (bytecode_util.cc)."""
    reading = Reading()
    found = [exp for exp in module.exports if exp.name.startswith("proxy_abi_version_")]
    markers = ", ".join(f"proxy_abi_version_{v.replace('.', '_')}" for v in info.versions)
    if not found:
        reading.findings.append(
            _finding(
                "WL501",
                f"no proxy-wasm ABI version marker: the module exports none of {markers}, and the host refuses it "
                f"(Missing or unknown Proxy-Wasm ABI version); checked as ABI {info.versions[-1]}, the newest",
                path,
                None,
                "proxy_abi_version_*",
            )
        )
        return reading
    known = []
    for exp in found:
        version = exp.name[len("proxy_abi_version_") :].replace("_", ".")
        if version in info.versions:
            known.append((exp, version))
        else:
            reading.findings.append(
                _finding(
                    "WL502",
                    f"export {exp.name} declares proxy-wasm ABI {version}, which the host does not know "
                    f"(it knows {_known(info)})",
                    path,
                    exp.offset,
                    exp.name,
                )
            )
    if len(found) > 1:
        reading.findings.append(
            _finding(
                "WL503",
                f"the module exports {len(found)} ABI version markers ({', '.join(e.name for e in found)}); "
                "it must declare exactly one"
                + (f": checked as {known[0][1]}, the first the host knows" if known else ""),
                path,
                found[1].offset,
                found[1].name,
            )
        )
    if known:
        reading.version, reading.why = known[0][1], f"declared by export {known[0][0].name}"
    return reading


def _numbered(name: str, prefix: str) -> bool:
    """``name`` is ``prefix`` followed by a decimal number (``interface_version_8``)."""
    number = name[len(prefix) :]
    return name.startswith(prefix) and number.isascii() and number.isdigit()


def cosmwasm(path: str, module: Module, info: PresetInfo) -> Reading:
    """``interface_version_N`` (exactly one such export; N among the preset's versions), capabilities as
    ``requires_*`` exports; the markers of older toolchains (the preset's ``legacy_markers``: ``interface_version_5``
    to ``_7``, ``cosmwasm_vm_version_N``) mark contracts no current VM accepts (WL504)."""
    reading = Reading()
    accepted = " or ".join(f"interface_version_{version}" for version in info.versions) or "interface_version_8"
    legacy = {
        str(item.get("marker")): str(item.get("cosmwasm_std", ""))
        for item in _rules(info.extra_value("legacy-markers"))
    }
    interface = [exp for exp in module.exports if _numbered(exp.name, "interface_version_")]
    legacy_vm = [exp for exp in module.exports if _numbered(exp.name, "cosmwasm_vm_version_")]
    for exp in module.exports:
        if exp.name.startswith("requires_"):
            reading.capabilities.append((exp.name[len("requires_") :], exp.offset))

    def old(exp_name: str, fallback: str) -> str:
        std = legacy.get(exp_name)
        return f"cosmwasm-std {std}" if std else fallback

    for exp in legacy_vm:
        reading.findings.append(
            _finding(
                "WL504",
                f"export {exp.name} marks a contract built with {old(exp.name, 'cosmwasm-std 0.13 or older')} "
                f"(legacy); current VMs accept only {accepted} and refuse it: rebuild it with a current cosmwasm-std",
                path,
                exp.offset,
                exp.name,
            )
        )
    if not interface:
        if not legacy_vm:
            reading.findings.append(
                _finding(
                    "WL501",
                    f"no {accepted} export: the VM refuses a contract without its interface marker "
                    "(missing a required marker export: interface_version_*)",
                    path,
                    None,
                    "interface_version_*",
                )
            )
        return reading
    if len(interface) > 1:
        reading.findings.append(
            _finding(
                "WL503",
                f"the contract exports {len(interface)} interface markers ({', '.join(e.name for e in interface)}); "
                "the VM accepts exactly one",
                path,
                interface[1].offset,
                interface[1].name,
            )
        )
    for exp in interface:
        number = exp.name[len("interface_version_") :]
        if number in info.versions:
            if reading.version is None:
                reading.version, reading.why = number, f"declared by export {exp.name}"
        elif exp.name in legacy or number in ("5", "6", "7"):
            reading.findings.append(
                _finding(
                    "WL504",
                    f"export {exp.name} marks a contract built with {old(exp.name, 'cosmwasm-std 0.14 to 0.16')} "
                    f"(legacy); current VMs accept only {accepted}: rebuild it with cosmwasm-std 1.0 or later",
                    path,
                    exp.offset,
                    exp.name,
                )
            )
        else:
            reading.findings.append(
                _finding(
                    "WL502",
                    f"export {exp.name} names an interface version the VM does not know (it accepts {accepted})",
                    path,
                    exp.offset,
                    exp.name,
                )
            )
    return reading


SOROBAN_SECTION = "contractenvmetav0"
SC_ENV_META_KIND_INTERFACE_VERSION = 0


def soroban(path: str, module: Module, info: PresetInfo) -> Reading:
    """The ``contractenvmetav0`` custom section: XDR ``SCEnvMetaEntry`` values; the interface version entry is a
    u64 whose high 32 bits are the protocol and low 32 bits the pre-release number (both big-endian)."""
    reading = Reading(ordered=True)
    sections = [payload for payload in module.custom_payloads if payload.name == SOROBAN_SECTION]
    if not sections:
        reading.findings.append(
            _finding(
                "WL501",
                f"no {SOROBAN_SECTION} custom section: the host refuses a contract without its environment "
                f"metadata (contract missing metadata section); checked as protocol {info.versions[-1]}, the newest",
                path,
                None,
                SOROBAN_SECTION,
            )
        )
        return reading
    entries: list[tuple[int, int, int]] = []  # (protocol, pre-release, offset)
    for payload in sections:
        data, pos = payload.data, 0
        while pos < len(data):
            offset = payload.offset + pos
            if len(data) - pos < 4:
                reading.findings.append(_malformed(path, offset, "an entry's kind is cut short"))
                break
            kind = int.from_bytes(data[pos : pos + 4], "big")
            if kind != SC_ENV_META_KIND_INTERFACE_VERSION:
                reading.findings.append(_malformed(path, offset, f"unknown SCEnvMetaKind {kind}"))
                break
            if len(data) - pos < 12:
                reading.findings.append(_malformed(path, offset, "the interface version is cut short"))
                break
            protocol = int.from_bytes(data[pos + 4 : pos + 8], "big")
            pre_release = int.from_bytes(data[pos + 8 : pos + 12], "big")
            entries.append((protocol, pre_release, offset))
            pos += 12
    if len(sections) > 1 or len(entries) > 1:
        shown = ", ".join(str(protocol) for protocol, _, _ in entries)
        reading.findings.append(
            _finding(
                "WL503",
                f"the contract declares its interface version {len(entries)} times in {len(sections)} "
                f"{SOROBAN_SECTION} section(s) (protocols {shown or 'none readable'}); it must declare it once",
                path,
                sections[-1].offset,
                SOROBAN_SECTION,
            )
        )
    if not entries:
        if not any(f.code == "WL506" for f in reading.findings):
            reading.findings.append(_malformed(path, sections[0].offset, "it is empty: no interface version"))
        return reading
    protocol, pre_release, offset = entries[0]
    version = str(protocol)
    if version not in info.versions:
        reading.findings.append(
            _finding(
                "WL502",
                f"{SOROBAN_SECTION} declares protocol {protocol}, which the preset does not know (it knows "
                f"{_known(info)})",
                path,
                offset,
                SOROBAN_SECTION,
            )
        )
        return reading
    reading.version = version
    if pre_release:
        reading.findings.append(
            _finding(
                "WL502",
                f"{SOROBAN_SECTION} declares protocol {protocol} pre-release {pre_release}: the host refuses a "
                "pre-release build (of an older protocol, or not matching its own pre-release number, 0 in a "
                "released host)",
                path,
                offset,
                SOROBAN_SECTION,
            )
        )
    extra = f", pre-release {pre_release}" if pre_release else ""
    reading.why = f"declared by {SOROBAN_SECTION}: protocol {protocol}{extra}"
    return reading


def _malformed(path: str, offset: int, what: str) -> Finding:
    return _finding("WL506", f"malformed {SOROBAN_SECTION} custom section: {what}", path, offset, SOROBAN_SECTION)


def shopify(path: str, module: Module, info: PresetInfo) -> Reading:
    """The provider namespace is the version: function-runner links the first import namespace, in import order,
    that names a provider it embeds (ValidatedModule::new), and only that one; a module importing none is a
    WASI-only function (version ``wasi``). A second provider namespace, and WASI beside a provider with in-memory
    I/O, are refused: the second provider is a second marker (WL503), WASI beside in-memory I/O a combination
    the host refuses (WL507, from the preset's ``refused_combinations``)."""
    reading = Reading()
    providers = [version for version in info.versions if version != "wasi"]
    namespaces = list(dict.fromkeys(imp.module for imp in module.imports))
    first_import = {imp.module: imp for imp in reversed(module.imports)}
    used = [namespace for namespace in namespaces if namespace in providers]
    if used:
        reading.version, reading.why = used[0], f"declared by import namespace {used[0]}, the first provider"
    elif "wasi" in info.versions:
        reading.version, reading.why = "wasi", "no provider namespace is imported"
    for namespace in namespaces:
        if namespace.startswith(("shopify_function", "javy_")) and namespace not in providers:
            reading.findings.append(
                _finding(
                    "WL502",
                    f"import namespace {namespace} names a provider the host does not embed (it knows "
                    f"{', '.join(providers)})",
                    path,
                    first_import[namespace].offset,
                    namespace,
                )
            )
    for other in used[1:]:
        reading.findings.append(
            _finding(
                "WL503",
                f"the module imports from providers {used[0]} and {other}: the host links only the first, so the "
                f"imports from {other} are unsatisfied",
                path,
                first_import[other].offset,
                other,
            )
        )
    for rule in _rules(info.extra_value("refused-combinations")):
        members = rule.get("namespaces")
        if isinstance(members, list) and used and used[0] in members and "wasi_snapshot_preview1" in namespaces:
            reading.findings.append(
                _finding(
                    "WL507",
                    f"the module imports from {used[0]} and from wasi_snapshot_preview1, which the host refuses: "
                    f"cannot use `{used[0]}` and import WASI (build for wasm32-unknown-unknown)",
                    path,
                    first_import["wasi_snapshot_preview1"].offset,
                    f"{used[0]}+wasi_snapshot_preview1",
                )
            )
    return reading


def ic(path: str, module: Module, info: PresetInfo) -> Reading:
    """wasm32 or wasm64: the index type of the canister's memory (defined or imported)."""
    reading = Reading()
    memories = [(m, None) for m in module.memories] + [
        (imp.type, imp.offset) for imp in module.imports if imp.kind == "memory"
    ]
    indices = list(dict.fromkeys(getattr(memory, "index", "i32") for memory, _ in memories))
    if len(indices) > 1:
        reading.findings.append(
            _finding(
                "WL503",
                "the module has both 32-bit and 64-bit memories; a canister is either wasm32 or wasm64",
                path,
                None,
                "memory",
            )
        )
    if indices:
        bits = "64" if indices[0] == "i64" else "32"
        reading.version = _in_versions(info, f"wasm{bits}", bits)
        reading.why = f"its memory is {indices[0]}-indexed"
    return reading


def _in_versions(info: PresetInfo, *candidates: str) -> str | None:
    return next((c for c in candidates if c in info.versions), None)


def _rules(value: object) -> list[dict[str, object]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


READERS: dict[str, Callable[[str, Module, PresetInfo], Reading]] = {
    "proxy-wasm-abi-export": proxy_wasm,
    "cosmwasm-interface-version": cosmwasm,
    "soroban-env-meta": soroban,
    "shopify-namespace": shopify,
    "ic-memory64": ic,
}


def read_marker(path: str, module: Module, info: PresetInfo) -> Reading | None:
    reader = READERS.get(info.marker or "")
    return reader(path, module, info) if reader is not None else None


def version_findings(
    path: str, info: PresetInfo, reading: Reading | None, pin: str | None
) -> tuple[Chosen, list[Finding]]:
    """The version a module is checked as (declared, pinned, else the newest), with WL508 for a declared version
    the pinned host cannot run and WL505 for each required capability the chosen version lacks."""
    findings: list[Finding] = []
    declared = reading.version if reading is not None else None
    why = reading.why if reading is not None and reading.why else ""
    if pin is not None:
        chosen = Chosen(info, pin, f"pinned{'; ' + why if why and declared == pin else ''}", declared)
        if declared is not None and declared != pin:
            newer = earlier(pin, declared, info.versions)
            if reading is not None and reading.ordered and not newer:
                chosen = Chosen(info, declared, f"{why}; the host runs {info.label(pin)}", declared)
            else:
                findings.append(
                    _finding(
                        "WL508",
                        f"the module declares {info.label(declared)} ({why}), the host is pinned to {pin}"
                        + (": the host refuses a module newer than itself" if reading and reading.ordered else "")
                        + f"; checked as {pin}",
                        path,
                        None,
                        info.name,
                    )
                )
    elif declared is not None:
        chosen = Chosen(info, declared, why, declared)
    else:
        chosen = Chosen(info, info.versions[-1], "the newest the preset knows" + (f"; {why}" if why else ""))
    return chosen, findings


def capability_findings(
    path: str, info: PresetInfo, reading: Reading, release: str | None, axis: tuple[str, ...], context: Context
) -> list[Finding]:
    """WL505 for each capability the module requires that the release checked does not offer (or that no release
    the preset knows offers)."""
    findings = []
    known = {cap.name: cap for cap in info.capabilities}
    for name, offset in reading.capabilities:
        capability = known.get(name)
        if capability is None:
            findings.append(
                _finding(
                    "WL505",
                    f"export requires_{name} asks for capability {name}, which no release of the host the preset "
                    f"knows offers (it knows {', '.join(known) or 'none'})",
                    path,
                    offset,
                    f"requires_{name}",
                )
            )
        elif capability.since is not None and release is not None and earlier(release, capability.since, axis):
            host = info.host or info.name
            findings.append(
                _finding(
                    "WL505",
                    f"export requires_{name} asks for capability {name}, offered from {host} {capability.since} on; "
                    f"checked against {host} {release}",
                    path,
                    offset,
                    f"requires_{name}",
                )
            )
    return findings


def owns_export(info: PresetInfo, name: str) -> bool:
    """Whether the marker reader checks export ``name`` itself (so that it is not also a required export)."""
    prefixes = MARKER_EXPORTS.get(info.marker or "", ())
    return name.startswith(prefixes) if prefixes else False


MARKER_EXPORTS: dict[str, tuple[str, ...]] = {
    "proxy-wasm-abi-export": ("proxy_abi_version_",),
    "cosmwasm-interface-version": ("interface_version_", "cosmwasm_vm_version_", "requires_"),
}
