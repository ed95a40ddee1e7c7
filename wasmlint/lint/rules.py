"""The rule registry: every finding's stable code, default severity, message template and explanation.

``--select``/``--ignore``, SARIF's ``rules[]``, ``wasmlint rules CODE`` and the docs are all generated from this
one table.
"""

from __future__ import annotations

from ..record import Record
from .diagnostics import Severity


class Rule(Record):
    code: str
    name: str
    severity: Severity
    summary: str
    why: str
    example: str
    fix: str
    default_enabled: bool = True


COMPONENT_RULES: tuple[Rule, ...] = (
    # Components against the host's WIT world ([host] world): lint/world.py.
    Rule(
        "WL601",
        "world-missing-import",
        "error",
        "The component imports an interface, function or resource that the host's world does not provide.",
        "A component-model runtime refuses to instantiate a component with an unresolved import (wasmtime: "
        "`component imports instance 'my:host/extra@0.1.0', but a matching implementation was not found in the "
        "linker`), and it reports only the first one.",
        "plugin.wasm:0x4a: WL601 import my:host/extra@0.1.0 (interface) is not in world my:host/plugins",
        "Add the interface to the host's world (and implement it), or stop importing it (toolchains add WASI "
        "interfaces of their own: componentize-py, jco and wit-bindgen have options to leave them out).",
    ),
    Rule(
        "WL602",
        "world-incompatible-version",
        "error",
        "The component imports an interface at a version the host's world provides only in incompatible versions.",
        "Runtimes match versions on their semver track (1.x.y with 1.a.b, 0.2.x with 0.2.y, 0.0.x exactly, a "
        "pre-release exactly): `wasi:http/types@0.2.9` is satisfied by 0.2.0, `@0.3.0` is not.",
        "plugin.wasm:0x4a: WL602 import wasi:http/types@0.3.0: world provides wasi:http/types only at 0.2.6",
        "Build the component against a version the host supports, or upgrade the host.",
    ),
    Rule(
        "WL603",
        "world-missing-function",
        "error",
        "The component imports a function or resource from an interface whose version in the world lacks it.",
        "The runtime checks every function of an imported interface: `instance export 'ping' ... function "
        "implementation is missing`.",
        "plugin.wasm:0x4a: WL603 import my:host/api@0.1.0: function ping is not in the world's my:host/api@0.1.0",
        "Add the function to the world (a newer minor version), or do not call it from the component.",
    ),
    Rule(
        "WL604",
        "world-type-mismatch",
        "error",
        "A function (or a named type) the component imports has another WIT type in the host's world.",
        "Component functions are linked by type: a differing parameter, result, field or case makes instantiation "
        "fail (`instance export 'log' has the wrong type`).",
        "plugin.wasm:0x4a: WL604 import my:host/api@0.1.0 log: func(msg: string) here, func(msg: u32) in the world",
        "Regenerate the bindings from the host's WIT.",
    ),
    Rule(
        "WL605",
        "world-missing-export",
        "error",
        "The component does not export an interface or function the host's world exports (the host calls it).",
        "The host looks the export up after instantiation and fails to start the plugin.",
        "plugin.wasm: WL605 world my:host/plugins exports wasi:cli/run@0.2.0, which the component does not export",
        "Export the interface from the component (implement the world, not a subset of it).",
    ),
    Rule(
        "WL606",
        "world-export-mismatch",
        "error",
        "An export the host's world requires has a function missing or typed otherwise in the component.",
        "The host calls the export with the world's types; a different shape cannot be called.",
        "plugin.wasm:0x2f10: WL606 export my:host/guest@1.0.0 handle: func(x: u32) here, func(x: u64) in the world",
        "Regenerate the guest bindings from the host's world.",
    ),
    Rule(
        "WL607",
        "world-compatible-version",
        "info",
        "A semver-compatible version in the host's world, not the same one, satisfies an import.",
        "Runtimes accept it (wasmtime's linker matches on the semver track), but the host may lack what a newer "
        "minor version added: this says which version will serve the import.",
        "plugin.wasm:0x4a: WL607 import wasi:cli/stdout@0.2.12 is satisfied by wasi:cli/stdout@0.2.0 in the world",
        "Nothing to fix; align the versions to make it exact.",
    ),
)

RULES: tuple[Rule, ...] = (
    Rule(
        "WL001",
        "malformed-module",
        "error",
        "The file cannot be read or is not a well-formed WebAssembly module.",
        "A runtime refuses to compile a malformed binary, so the plugin cannot load at all.",
        "plugin.wasm: WL001 section size mismatch (at offset 0x2f)",
        "Rebuild the module; check that the file was not truncated or altered (e.g. by a text-mode transfer).",
    ),
    Rule(
        "WL002",
        "component-not-core-module",
        "error",
        "A component (component model) was given where a core module is expected.",
        "Hosts that load core modules (Extism, wasmtime's Module API) cannot instantiate a component.",
        "plugin.wasm: WL002 this is a component, not a core module",
        "Name the host's WIT world in the manifest (`[host] world` and `wit`: see WL601-WL607), or check the core "
        "module before `wasm-tools component new`.",
    ),
    Rule(
        "WL101",
        "missing-import",
        "error",
        "The module imports something the host does not provide.",
        "The runtime refuses to instantiate a module with an unresolved import, before any export can run "
        "(Extism: ``unknown import: `env::ws_connect` has not been defined``; wazero: "
        '`"ws_connect" is not exported in module "env"`).',
        "plugin.wasm: WL101 import env.ws_connect (i64) -> i64 is not provided by host plusev-terminal",
        "Provide the function in the host (and declare it in the manifest), or remove the import from the plugin.",
    ),
    Rule(
        "WL102",
        "wrong-namespace",
        "error",
        "The module imports a name the host provides, but under another namespace.",
        "Imports match on (namespace, name): `env.ws_connect` is not `extism:host/user.ws_connect`. Extism's SDKs "
        "register user functions under `extism:host/user` unless told otherwise.",
        "plugin.wasm: WL102 import env.ws_connect: the host provides ws_connect in namespace extism:host/user",
        "Register the host function under the plugin's namespace (`namespace=` in the Extism SDKs), or change the "
        "plugin's import (`//go:wasmimport extism:host/user ws_connect`).",
    ),
    Rule(
        "WL103",
        "near-miss-name",
        "error",
        "The module imports a name the host does not provide, but a similar name exists.",
        "A typo or a renamed host function fails at load time exactly like a missing one.",
        "plugin.wasm: WL103 import env.ws_conect is not provided; did you mean env.ws_connect?",
        "Fix the spelling on the side that is wrong.",
    ),
    Rule(
        "WL104",
        "legacy-extism-name",
        "error",
        "The module imports a pre-1.0 Extism kernel name (`env.extism_<name>`).",
        "Extism 1.0 moved its kernel to the namespace `extism:host/env` and dropped the `extism_` prefix; current "
        "runtimes no longer provide the old names.",
        "plugin.wasm: WL104 import env.extism_alloc is a pre-1.0 Extism name: use extism:host/env.alloc",
        "Rebuild the plugin with a current PDK, or rename the import to `extism:host/env.<name>`.",
    ),
    Rule(
        "WL105",
        "signature-mismatch",
        "error",
        "The module imports a function with a different signature from the host's.",
        "Runtimes check function types exactly at instantiation; Extism's error does not even name the import.",
        "plugin.wasm: WL105 import wasi_snapshot_preview1.fd_seek has (i32, i32, i32, i32, i32) -> i32, "
        "the host provides (i32, i64, i32, i32) -> i32",
        "Make both sides agree: fix the host function's type or the plugin's declaration.",
    ),
    Rule(
        "WL106",
        "kind-mismatch",
        "error",
        "The module imports as one kind (function, memory, table, global, tag) what the host provides as another.",
        "An import's kind must match the host's definition exactly.",
        "plugin.wasm: WL106 import env.memory is a memory, the host provides a function",
        "Fix the declaration on the side that is wrong.",
    ),
    Rule(
        "WL107",
        "type-mismatch",
        "error",
        "An imported memory, table or global has limits or a type the host's definition does not meet.",
        "Memories and tables match when the host's limits lie within the import's; globals must match exactly.",
        "plugin.wasm: WL107 import env.memory needs i32 17 (at least 17 pages), the host provides i32 1 16",
        "Change the host's definition or the module's import so that the limits agree.",
    ),
    Rule(
        "WL108",
        "forbidden-import",
        "error",
        "The module imports a function the manifest forbids.",
        "Some host functions must not be reachable from plugins (e.g. process exit during a metadata call).",
        "plugin.wasm: WL108 import wasi_snapshot_preview1.proc_exit is forbidden: plugins must not exit the host",
        "Remove the use of that function from the plugin.",
    ),
    Rule(
        "WL109",
        "deprecated-import",
        "warning",
        "The module imports a function the manifest marks deprecated.",
        "It works today and is scheduled to go away.",
        "plugin.wasm: WL109 import env.log is deprecated: use env.log_record",
        "Move to the replacement the manifest names.",
    ),
    Rule(
        "WL110",
        "not-in-host-version",
        "error",
        "The module imports something the host provides only in other releases than the one checked.",
        "A manifest says in which host release each entry appeared (`since`) or was removed (`until`); a plugin "
        "deployed to an older host fails to load exactly as if the import were missing (Envoy releases before "
        "1.33 lack `wasi_snapshot_preview1.path_unlink_file`).",
        "filter.wasm: WL110 import wasi_snapshot_preview1.path_unlink_file (i32, i32, i32) -> i32 is provided "
        "from Envoy 1.33 on; checked against Envoy 1.26",
        "Deploy to a host release that provides it, or rebuild the plugin without the import (an older SDK or "
        "toolchain); `--host-version` checks each release you support.",
    ),
    Rule(
        "WL111",
        "not-in-preset-version",
        "error",
        "The module imports a function that the preset's host provides only in other versions than the one the "
        "module declares (or is pinned to).",
        "Hosts link functions per ABI, VM or protocol version: a Soroban contract that declares protocol 20 may "
        "not call a function introduced in protocol 21; a proxy-wasm filter that declares ABI 0.1.0 gets only the "
        "0.1.0 functions.",
        "contract.wasm: WL111 import l.c (...) is provided from soroban protocol 21 on; the module is checked "
        "as soroban protocol 20 (declared by contractenvmetav0: protocol 20)",
        "Build the module for a version that has the function (a newer SDK), or stop using it.",
    ),
    Rule(
        "WL201",
        "missing-export",
        "error",
        "The module lacks an export the host calls.",
        "The host cannot call a function the plugin does not export.",
        "plugin.wasm: WL201 required export meta () -> i32 is missing",
        "Export the function from the plugin (`//go:wasmexport meta`), or mark it optional in the manifest.",
    ),
    Rule(
        "WL202",
        "export-signature-mismatch",
        "error",
        "An export the host calls has another signature or kind than the manifest says.",
        "Calling a function with the wrong type traps or is refused by the runtime.",
        "plugin.wasm: WL202 export meta has () -> i64, the host calls it as () -> i32",
        "Make both sides agree.",
    ),
    Rule(
        "WL301",
        "phase-missing-import",
        "error",
        "In a phase, the host supplies neither a real function nor a dummy for an import.",
        "A host that instantiates the plugin for a limited call (e.g. reading metadata) must still satisfy every "
        "import, even ones that call will never reach: the runtime checks imports before any export runs.",
        "plugin.wasm: WL301 phase meta: import env.ws_connect is neither provided nor stubbed",
        'Provide the function in that phase, or set `missing = "dummy"` in the phase and generate the dummies '
        "with `wasmlint gen`.",
    ),
    Rule(
        "WL302",
        "phase-dummy-import",
        "info",
        'In a phase with `missing = "dummy"`, an import is served by a dummy.',
        "Stubbing must never hide an import silently: this lists what a phase leaves to dummies.",
        "plugin.wasm: WL302 phase meta: import env.ws_connect is served by a dummy",
        "Nothing to fix; provide the function in the phase if the call needs it to work.",
    ),
    Rule(
        "WL401",
        "unused-manifest-entry",
        "info",
        "The manifest declares a host function no checked module imports.",
        "Unused entries may be stale; off by default because a host serves many plugins.",
        "wasmlint.toml:12: WL401 env.ws_close is declared but no checked module imports it",
        "Remove the entry if no plugin needs it.",
        default_enabled=False,
    ),
    Rule(
        "WL501",
        "marker-missing",
        "error",
        "The module lacks the version marker its host requires (a proxy-wasm ABI export, CosmWasm's "
        "interface_version_8, Soroban's contractenvmetav0 section).",
        "Hosts read the marker before anything else and refuse a module without one (Envoy: Missing or unknown "
        "Proxy-Wasm ABI version; Soroban: contract missing metadata section).",
        "filter.wasm: WL501 no proxy-wasm ABI version marker: the module exports none of proxy_abi_version_0_1_0, ...",
        "Build the module with the ecosystem's SDK, which emits the marker, or pin a version with "
        "`--preset NAME@VERSION` to check the imports regardless.",
    ),
    Rule(
        "WL502",
        "marker-unknown",
        "error",
        "The module's version marker names a version the preset does not know.",
        "A host refuses an ABI or interface version it does not implement, and wasmlint cannot tell which "
        "functions such a module may import.",
        "filter.wasm: WL502 export proxy_abi_version_0_3_0 declares proxy-wasm ABI 0.3.0, which the host does "
        "not know (it knows 0.1.0, 0.2.0, 0.2.1)",
        "Build for a version the host supports; `wasmlint presets` lists the versions each preset knows.",
    ),
    Rule(
        "WL503",
        "marker-duplicate",
        "error",
        "The module declares its version more than once (two markers, or markers that disagree).",
        "Hosts expect exactly one marker (CosmWasm: more than one marker export: interface_version_*); which "
        "one a host honours is not something to rely on.",
        "contract.wasm: WL503 the contract exports 2 interface markers (interface_version_7, "
        "interface_version_8); the VM accepts exactly one",
        "Keep one marker: usually two copies of the ecosystem's standard library were linked in.",
    ),
    Rule(
        "WL504",
        "marker-legacy",
        "error",
        "The module carries a marker of a toolchain no current host accepts (CosmWasm interface_version_5 to _7, "
        "cosmwasm_vm_version_N).",
        "Current VMs refuse such contracts outright; the imports are still checked against the current VM, so every "
        "other change the rebuild needs is listed too.",
        "contract.wasm: WL504 export interface_version_7 marks a contract for CosmWasm 0.14 to 0.16 (legacy); "
        "current VMs accept only interface_version_8",
        "Rebuild the contract with a current SDK (cosmwasm-std 1.0 or later).",
    ),
    Rule(
        "WL505",
        "capability-unsupported",
        "error",
        "The module requires a capability (CosmWasm's requires_* exports) that the host version checked lacks.",
        "The VM refuses to store a contract that requires a capability the chain does not offer "
        "(check_wasm_capabilities).",
        "contract.wasm: WL505 export requires_cosmwasm_2_1 asks for capability cosmwasm_2_1, offered from "
        "cosmwasm-vm (wasmvm) 2.1 on; checked against cosmwasm-vm (wasmvm) 2.0",
        "Deploy to a chain whose VM offers it, or build without the cargo feature that requires it.",
    ),
    Rule(
        "WL506",
        "marker-malformed",
        "error",
        "The module's version marker cannot be read (a truncated or unknown entry in a marker section).",
        "The host cannot read the version either, and refuses the module.",
        "contract.wasm: WL506 malformed contractenvmetav0 custom section: the interface version is cut short",
        "Rebuild the module with its SDK; do not edit marker sections by hand.",
    ),
    Rule(
        "WL507",
        "refused-combination",
        "error",
        "The module imports from namespaces that the host refuses to link together.",
        "Some hosts pick one provider per module from its import namespaces (Shopify's function-runner) and "
        "refuse combinations they cannot serve.",
        "function.wasm: WL507 the module imports from shopify_function_v2 and from wasi_snapshot_preview1, which "
        "the host refuses: cannot use `shopify_function_v2` and import WASI (build for wasm32-unknown-unknown)",
        "Build with one toolchain version throughout (the SDK and its JavaScript provider of the same release).",
    ),
    Rule(
        "WL508",
        "version-mismatch",
        "error",
        "The module declares a version other than the one the preset is pinned to (`NAME@VERSION`), and the "
        "host of that version cannot run it.",
        "A pinned version is the host's: a module declaring another ABI, or a newer protocol, is refused or "
        "linked against other functions than it expects.",
        "contract.wasm: WL508 the module declares soroban protocol 23 (...), the host is pinned to 22: the host "
        "refuses a module newer than itself; checked as 22",
        "Build the module for the host's version, or pin the version the host really runs.",
    ),
    Rule(
        "WL509",
        "module-refused",
        "error",
        "The module has a structure the preset's host refuses: a start function (Stylus), other than exactly one "
        "memory (Stylus, CosmWasm), or a limit of the host release checked (CosmWasm: a memory maximum or more than "
        "512 initial pages, an imported memory or table, more than one table or a table maximum above 2500, more than"
        " 100 imports, more than 20000 functions, a function type of more than 100 parameters or 1 result, more than "
        "100 locals in a function or 10000 in all from 2.2.9; NEAR, by protocol version: more than 10000 functions "
        "counting imports, 1000000 locals in all, a function body over 262144 bytes, a memory, table or global "
        "import), or a wasm feature the host refuses at the release checked (Soroban: floats, multi-value, reference "
        "types, SIMD ...; Stylus: multi-value, reference types, SIMD ...; the IC: threads, GC, multi-memory ...; "
        "CosmWasm: SIMD, bulk memory, threads ... at every release, reference types until 3.0, float operators until "
        "1.5, multi-value until 1.4, sign extension until 1.3; NEAR: multi-value, SIMD, threads ... at every protocol"
        " version, reference types and bulk memory until 84, saturating float-to-int until 78, sign extension until "
        "62; one finding per feature, at its first use), or finer: instructions refused apart from their feature "
        "(Stylus: float arithmetic; memory.init, data.drop, table.init, elem.drop, table.copy) and a constant "
        "expression beyond what the host allows (Soroban: global.get).",
        "Hosts validate a module's shape before linking it, and refuse the whole module.",
        "program.wasm: WL509 the module has a start function (function 3), which stylus refuses: refused "
        '("wasm start functions not allowed")',
        "Rebuild without the feature: an initialiser called from the entry point instead of a start function; for "
        "CosmWasm, a release build without wasm-bindgen, with no memory maximum and one bounded table, for the "
        "chain's VM (an MVP target CPU with sign extension for VMs before 2.0, no bulk memory); for Soroban, code "
        "built for its wasm features (no floats, an MVP target CPU).",
    ),
    *COMPONENT_RULES,
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}


def rule_documentation(rule: Rule) -> str:
    """The text of ``wasmlint rules CODE``, under ruff's fixed headings."""
    default = "" if rule.default_enabled else " (off by default; enable with --select)"
    return (
        f"{rule.code} {rule.name} [{rule.severity}]{default}\n\n"
        f"What it does\n  {rule.summary}\n\n"
        f"Why is this bad?\n  {rule.why}\n\n"
        f"Example\n  {rule.example}\n\n"
        f"Fix\n  {rule.fix}\n"
    )


def enabled_codes(select: list[str] | None = None, ignore: list[str] | None = None) -> set[str]:
    """Codes in force: the defaults, or those selected by prefix (``WL1`` selects WL101-WL109), minus ignored."""
    if select:
        chosen = {rule.code for rule in RULES if any(rule.code.startswith(p) for p in select)}
        if "ALL" in select:
            chosen = set(RULES_BY_CODE)
    else:
        chosen = {rule.code for rule in RULES if rule.default_enabled}
    ignored = {rule.code for rule in RULES if any(rule.code.startswith(p) for p in ignore or [])}
    return chosen - ignored
