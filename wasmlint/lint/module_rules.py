"""Structural rules a preset's host applies to the module as a whole (WL509), beyond its imports and exports.

A preset's ``[preset] module-rules`` table records what its host refuses about a module's shape, as the data
helpers read it in the host's source. Most of it is documentation; the rules below are the ones that can be
decided from the module model, each recognised by its key:

``start_function``
    the host refuses a module with a start function (Arbitrum Stylus: "wasm start functions not allowed").
``memories``, when it begins "exactly one"
    the module must have exactly one memory, imported or defined (Stylus), unless the preset's
    ``module-limits`` count memories themselves.

A preset's ``[[preset.module-limits]]`` are the same kind of rule with numbers (CosmWasm's static checks before
it stores a contract): each names its ``rule``, its limit (``max``, ``exactly``, ``unset``, ``kinds``), the host
releases it applies to (``since``/``until``) and the host's own words (``vm_message``). Each rule a check below
knows is enforced at the host release checked, one WL509 finding per breach; the others (``checked = false``)
stay documentation. The code rules (``function_locals``, ``function_locals_total``, ``function_body_size``) read
each function body's local declarations or size (``decode.instructions.declared_locals``, ``body_sizes``), and so
the module's bytes, only for a preset that has them in force.

And a preset's ``export-families`` (exports named by a prefix, such as the IC's ``canister_query NAME``): each
export of the family must be a function of the family's type, or the host refuses the module (WL202).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..manifest.axes import in_window
from ..model import FuncType
from ..record import Record
from .diagnostics import Finding, Location

if TYPE_CHECKING:
    from ..manifest.presetinfo import PresetInfo
    from ..model import Module
    from .feature_rules import DataSource

TYPE, IMPORT, FUNCTION, TABLE, MEMORY, CODE = 1, 2, 3, 4, 5, 10
"""The ids of the sections a breach points at."""


def module_findings(
    path: str,
    module: Module,
    info: PresetInfo,
    release: str | None = None,
    axis: tuple[str, ...] = (),
    data: DataSource | None = None,
) -> list[Finding]:
    """WL509 and WL202 findings of ``module`` against ``info``'s rules, as of host ``release`` on ``axis``;
    ``data`` gives the module's bytes to the rules that read code (locals)."""
    from .checks import finding

    found = _family_findings(path, module, info)
    if module.kind == "component":  # no core module's shape to judge: WL002 says what it is
        return found
    limits = _limits(info, release, axis)
    found.extend(_limit_findings(path, module, info, [lim for lim in limits if lim.rule in CHECKS], release))
    code_limits = [lim for lim in limits if lim.rule in CODE_CHECKS]
    if code_limits:
        found.extend(_code_findings(path, module, info, code_limits, release, data))
    rules = info.extra_value("module-rules")
    if not isinstance(rules, dict):
        return found
    start = rules.get("start_function")
    if isinstance(start, str) and module.start is not None:
        found.append(
            finding(
                "WL509",
                f"the module has a start function (function {module.start}), which {info.name} refuses: {start}",
                Location(path),
                subject="start_function",
            )
        )
    memories = rules.get("memories")
    counted = any(limit.rule == "memory_count" for limit in _limits(info, None, ()))
    count = len(module.memories) + sum(1 for imp in module.imports if imp.kind == "memory")
    if isinstance(memories, str) and memories.startswith("exactly one") and count != 1 and not counted:
        found.append(
            finding(
                "WL509",
                f"the module has {count} memories; {info.name} needs {memories}",
                Location(path),
                subject="memories",
            )
        )
    return found


class Limit(Record):
    """One ``[[preset.module-limits]]`` entry in force: the rule, its number, and the host's words for a breach."""

    rule: str
    value: int | None
    """``max`` or ``exactly``: the number the rule compares with (None for ``memory_maximum``)."""
    vm_message: str
    vm_message_unbounded: str = ""
    kinds: tuple[str, ...] = ()
    patches: str = ""
    """Which patch releases of a line have the rule, when not all do (said beside the finding)."""


class Breach(Record):
    """What a module does against one limit: what it has, what the host needs, and the host's own message."""

    offset: int | None
    found: str
    wanted: str
    vm: str


def _limits(info: PresetInfo, release: str | None, axis: tuple[str, ...]) -> list[Limit]:
    """The preset's limits that apply at ``release`` (all of them when no release is checked) and that wasmlint
    checks; entries of the wrong shape are passed by (presets are data)."""
    entries = info.extra_value("module-limits")
    if not isinstance(entries, list):
        return []
    limits = []
    for entry in entries:
        rule = entry.get("rule") if isinstance(entry, dict) else None
        if (
            not isinstance(entry, dict)
            or (rule not in CHECKS and rule not in CODE_CHECKS)
            or entry.get("checked") is False
        ):
            continue
        since, until = entry.get("since"), entry.get("until")
        if release is not None and not in_window(
            release, since if isinstance(since, str) else None, until if isinstance(until, str) else None, axis
        ):
            continue
        value = entry.get("max", entry.get("exactly"))
        kinds = entry.get("kinds")
        limits.append(
            Limit(
                entry["rule"],
                value if isinstance(value, int) and not isinstance(value, bool) else None,
                str(entry.get("vm_message", "")),
                str(entry.get("vm_message_unbounded", "")),
                tuple(str(kind) for kind in kinds) if isinstance(kinds, list) else (),
                str(entry.get("patches", "")),
            )
        )
    return limits


def _limit_findings(
    path: str,
    module: Module,
    info: PresetInfo,
    limits: list[Limit],
    release: str | None,
    breaches: Callable[[Limit], list[Breach]] | None = None,
) -> list[Finding]:
    from .checks import finding

    host = f"{info.host or info.name} {release}" if release else (info.host or info.name)
    found = []
    for limit in limits:
        patches = f" ({limit.patches})" if limit.patches else ""
        for breach in breaches(limit) if breaches is not None else CHECKS[limit.rule](module, limit):
            found.append(
                finding(
                    "WL509",
                    f'{breach.found}; {host} allows {breach.wanted}{patches} and refuses the module ("{breach.vm}")',
                    Location(path, breach.offset),
                    subject=limit.rule,
                )
            )
    return found


def _section(module: Module, section_id: int) -> int | None:
    return next((section.offset for section in module.sections if section.id == section_id), None)


def _words(message: str, **values: object) -> str:
    """The host's message with the values it prints (``{limit}``, ``{count}``, ``{name}``) filled in."""
    for key, value in values.items():
        message = message.replace("{" + key + "}", str(value))
    return message


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def memory_count(module: Module, limit: Limit) -> list[Breach]:
    """The memories the module defines: an imported memory is not one (CosmWasm reads the memory section)."""
    defined = len(module.memories)
    if limit.value is None or defined == limit.value:
        return []
    imported = module.imports_of("memory")
    found = f"the module defines {_plural(defined, 'memory', 'memories')}"
    if imported:
        found += (
            f" and imports {_plural(len(imported), 'memory', 'memories')} ({imported[0].module}.{imported[0].name})"
        )
    offset = _section(module, MEMORY) if module.memories else (imported[0].offset if imported else None)
    return [
        Breach(
            offset,
            found,
            f"exactly {_plural(limit.value, 'memory', 'memories')}, defined by the module (not imported)",
            limit.vm_message,
        )
    ]


def memory_initial_pages(module: Module, limit: Limit) -> list[Breach]:
    """The initial size of the first memory the module defines, in pages."""
    if limit.value is None or not module.memories or module.memories[0].min <= limit.value:
        return []
    pages = module.memories[0].min
    return [
        Breach(
            _section(module, MEMORY),
            f"memory 0 starts at {pages} pages",
            f"at most {limit.value} initial pages",
            _words(limit.vm_message, limit=limit.value),
        )
    ]


def memory_maximum(module: Module, limit: Limit) -> list[Breach]:
    """The first memory the module defines must have no maximum: the host sets its own."""
    if not module.memories or module.memories[0].max is None:
        return []
    maximum = module.memories[0].max
    found = f"memory 0 has a maximum ({_plural(maximum, 'page', 'pages')})"
    return [Breach(_section(module, MEMORY), found, "no memory maximum (the host sets it)", limit.vm_message)]


def table_count(module: Module, limit: Limit) -> list[Breach]:
    """The tables the module defines."""
    if limit.value is None or len(module.tables) <= limit.value:
        return []
    found = f"the module defines {_plural(len(module.tables), 'table', 'tables')}"
    return [
        Breach(_section(module, TABLE), found, f"at most {_plural(limit.value, 'table', 'tables')}", limit.vm_message)
    ]


def table_maximum(module: Module, limit: Limit) -> list[Breach]:
    """The first table the module defines needs a maximum, and at most the limit."""
    if limit.value is None or not module.tables:
        return []
    maximum = module.tables[0].max
    wanted = f"a table maximum of at most {limit.value} elements"
    if maximum is None:
        found = "table 0 has no maximum"
        return [Breach(_section(module, TABLE), found, wanted, limit.vm_message_unbounded or limit.vm_message)]
    if maximum <= limit.value:
        return []
    return [Breach(_section(module, TABLE), f"table 0 has a maximum of {maximum} elements", wanted, limit.vm_message)]


def import_count(module: Module, limit: Limit) -> list[Breach]:
    """Every import, of any kind."""
    count = len(module.imports)
    if limit.value is None or count <= limit.value:
        return []
    return [
        Breach(
            _section(module, IMPORT),
            f"the module has {count} imports",
            f"at most {limit.value} imports",
            _words(limit.vm_message, count=count, limit=limit.value),
        )
    ]


def import_kind(module: Module, limit: Limit) -> list[Breach]:
    """Each import of a kind the host does not link (CosmWasm links functions only): one breach per import."""
    wanted = " and ".join(f"{kind} imports" for kind in limit.kinds).replace("func imports", "function imports")
    return [
        Breach(
            imp.offset,
            f"import {imp.module}.{imp.name} is a {imp.kind}",
            f"{wanted} only",
            _words(limit.vm_message, name=f"{imp.module}.{imp.name}"),
        )
        for imp in module.imports
        if limit.kinds and imp.kind not in limit.kinds
    ]


def function_count(module: Module, limit: Limit) -> list[Breach]:
    """The functions the module defines (its imports are not counted)."""
    count = len(module.function_types)
    if limit.value is None or count <= limit.value:
        return []
    return [
        Breach(
            _section(module, FUNCTION),
            f"the module defines {count} functions",
            f"at most {limit.value} functions",
            _words(limit.vm_message, limit=limit.value),
        )
    ]


def _widest(module: Module, limit: Limit, width: Callable[[FuncType], int], noun: str) -> list[Breach]:
    """The function types of the type section (used or not) with more than the limit of ``noun``."""
    if limit.value is None:
        return []
    over = [(index, width(t)) for index, t in enumerate(module.types) if type(t) is FuncType and width(t) > limit.value]
    if not over:
        return []
    index, count = max(over, key=lambda item: item[1])
    found = f"function type {index} has {count} {noun}"
    if len(over) > 1:
        found += f" ({len(over) - 1} other type{'s' if len(over) > 2 else ''} also over the limit)"
    wanted = f"at most {_plural(limit.value, noun[:-1], noun)} per function type"
    return [Breach(_section(module, TYPE), found, wanted, _words(limit.vm_message, limit=limit.value))]


def function_params(module: Module, limit: Limit) -> list[Breach]:
    return _widest(module, limit, lambda t: len(t.params), "parameters")


def function_results(module: Module, limit: Limit) -> list[Breach]:
    return _widest(module, limit, lambda t: len(t.results), "results")


def function_params_total(module: Module, limit: Limit) -> list[Breach]:
    """The parameters of the functions the module defines, added up."""
    if limit.value is None:
        return []
    types = module.types
    total = 0
    for index, uses in Counter(module.function_types).items():
        found = types[index] if index < len(types) else None
        if type(found) is FuncType:
            total += uses * len(found.params)
    if total <= limit.value:
        return []
    return [
        Breach(
            _section(module, FUNCTION),
            f"the module's {len(module.function_types)} functions take {total} parameters in all",
            f"at most {limit.value} parameters over the functions the module defines",
            _words(limit.vm_message, limit=limit.value),
        )
    ]


def function_total(module: Module, limit: Limit) -> list[Breach]:
    """The functions the module imports and defines, together (nearcore counts both against one limit)."""
    imported = len(module.imports_of("func"))
    count = imported + len(module.function_types)
    if limit.value is None or count <= limit.value:
        return []
    return [
        Breach(
            _section(module, FUNCTION) if module.function_types else _section(module, IMPORT),
            f"the module has {count} functions ({imported} imported, {len(module.function_types)} defined)",
            f"at most {limit.value} functions, imported and defined together",
            _words(limit.vm_message, limit=limit.value, count=count),
        )
    ]


CHECKS: dict[str, Callable[[Module, Limit], list[Breach]]] = {
    "memory_count": memory_count,
    "memory_initial_pages": memory_initial_pages,
    "memory_maximum": memory_maximum,
    "table_count": table_count,
    "table_maximum": table_maximum,
    "import_count": import_count,
    "import_kind": import_kind,
    "function_count": function_count,
    "function_total": function_total,
    "function_params": function_params,
    "function_results": function_results,
    "function_params_total": function_params_total,
}
"""The ``module-limits`` rules wasmlint enforces from the module model, by name (the finding's subject)."""


def _code_findings(
    path: str, module: Module, info: PresetInfo, limits: list[Limit], release: str | None, data: DataSource | None
) -> list[Finding]:
    """The limits on what function bodies declare: their locals, read from the module's bytes (once)."""
    from ..decode.instructions import body_sizes, declared_locals
    from ..decode.reader import DecodeError
    from .checks import finding

    code = _section(module, CODE)
    if code is None:
        return []
    buffer = data() if data is not None else None
    if buffer is None:
        message = (
            f"the module's bytes were not given, so its function bodies (whose locals or size {info.name} limits) "
            "were not checked: check its bytes or its file"
        )
        return [finding("WL509", message, Location(path), subject=limits[0].rule)]
    reads: dict[str, list[tuple[int, int]]] = {}
    try:
        for limit in limits:
            what = CODE_READS[limit.rule]
            if what not in reads:
                reads[what] = declared_locals(buffer, code) if what == "locals" else body_sizes(buffer, code)
    except DecodeError as exc:
        message = f"the module's function bodies cannot be read ({exc.message}), so their limits were not checked"
        return [finding("WL509", message, Location(path, exc.offset), subject=limits[0].rule)]
    first = len(module.imports_of("func"))
    return _limit_findings(
        path,
        module,
        info,
        limits,
        release,
        lambda limit: CODE_CHECKS[limit.rule](reads[CODE_READS[limit.rule]], first, limit),
    )


def function_locals(counts: list[tuple[int, int]], first: int, limit: Limit) -> list[Breach]:
    """The function that declares the most locals (its parameters are not counted), against the limit."""
    return _largest_function(
        counts,
        first,
        limit,
        lambda index, most: f"function {index} declares {most} locals",
        f"at most {_plural(limit.value or 0, 'local', 'locals')} per function (parameters not counted)",
    )


def function_locals_total(counts: list[tuple[int, int]], first: int, limit: Limit) -> list[Breach]:
    """The locals every function body declares, added up."""
    total = sum(count for _, count in counts)
    if limit.value is None or total <= limit.value:
        return []
    return [
        Breach(
            counts[0][0] if counts else None,
            f"the module's {len(counts)} function bodies declare {total} locals in all",
            f"at most {limit.value} locals over every function (parameters not counted)",
            _words(limit.vm_message, limit=limit.value, count=total),
        )
    ]


def function_body_size(sizes: list[tuple[int, int]], first: int, limit: Limit) -> list[Breach]:
    """The largest function body, in bytes (its size field's value: locals and instructions, not the size field)."""
    return _largest_function(
        sizes,
        first,
        limit,
        lambda index, largest: f"the body of function {index} is {largest} bytes",
        f"at most {limit.value} bytes per function body",
    )


def _largest_function(
    values: list[tuple[int, int]], first: int, limit: Limit, found: Callable[[int, int], str], wanted: str
) -> list[Breach]:
    """The function whose value (offset, value) is largest, when it is over the limit, and how many others are."""
    if limit.value is None or not values:
        return []
    index, (offset, largest) = max(enumerate(values), key=lambda item: item[1][1])
    if largest <= limit.value:
        return []
    over = sum(1 for _, value in values if value > limit.value)
    said = found(first + index, largest)
    if over > 1:
        said += f" ({over - 1} other function{'s' if over > 2 else ''} also over the limit)"
    return [Breach(offset, said, wanted, _words(limit.vm_message, limit=limit.value, count=largest))]


CODE_CHECKS: dict[str, Callable[[list[tuple[int, int]], int, Limit], list[Breach]]] = {
    "function_locals": function_locals,
    "function_locals_total": function_locals_total,
    "function_body_size": function_body_size,
}
"""The ``module-limits`` rules that read the code section (the module's bytes): each is given (body start, number)
per function body, the number being what ``CODE_READS`` names."""

CODE_READS: dict[str, str] = {
    "function_locals": "locals",
    "function_locals_total": "locals",
    "function_body_size": "sizes",
}
"""What each code rule reads: the locals each body declares, or each body's size (read once per module)."""


def _family_findings(path: str, module: Module, info: PresetInfo) -> list[Finding]:
    from ..manifest.signature import SignatureError, parse_signature
    from .checks import finding

    families = info.extra_value("export-families")
    if not isinstance(families, list):
        return []
    found = []
    for family in families:
        if not isinstance(family, dict) or not isinstance(family.get("prefix"), str):
            continue
        prefix = family["prefix"]
        try:
            wanted = parse_signature(str(family.get("signature")))
        except SignatureError:
            continue
        for exp in module.exports:
            if exp.name.startswith(prefix) and (exp.kind != "func" or exp.type != wanted):
                what = exp.type if exp.kind == "func" else f"a {exp.kind}"
                found.append(
                    finding(
                        "WL202",
                        f"export {exp.name} is {what}; the host calls every {prefix.strip()} export as {wanted}",
                        Location(path, exp.offset),
                        subject=exp.name,
                    )
                )
    return found
