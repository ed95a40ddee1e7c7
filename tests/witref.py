"""The reference listing of a component: what ``wasm-tools component wit`` prints, read back into plain data.

An interface that the world both imports and exports (by name, or as what a plain name implements) is printed once,
with the functions and types either side uses: its entries are marked ``shared`` and are compared as a subset
(:func:`same`).

``wasm-tools component wit C.wasm`` prints the component's world and every interface it uses, as WIT text.
:func:`read_wit` reads that text (one function per line, as the printer writes them; multi-line records,
variants, enums, flags and resources) into ``{(direction, name): {"kind", "functions", "types"}}`` for the
world's imports and exports, with every function keyed by its name as the binary spells it
(``[method]conn.send``) and valued by its type as printed, and every named type by its one-line definition, in
the spelling of ``wasmlint.decode.wit`` (``record point { x: s32, y: s32 }``). :func:`wasmlint_listing` puts
wasmlint's JSON listing in the same shape, so that the tests compare the two with ``==``.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

WASM_TOOLS = "wasm-tools"

Listing = dict[tuple[str, str], dict[str, Any]]


def wit_text(path: Path) -> str:
    proc = subprocess.run([WASM_TOOLS, "component", "wit", str(path)], capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"wasm-tools component wit {path}: {proc.stderr.strip()}")
    return proc.stdout


def _plain(name: str) -> str:
    return name[1:] if name.startswith("%") else name


def _use_entries(line: str) -> tuple[str, list[tuple[str, str]]]:
    """``use a:b/c@1.0.0.{x, y as z};`` -> ("c", [("x", "x"), ("y", "z")]) (source interface's short name)."""
    match = re.fullmatch(r"use (.+)\.\{(.*)\};", line)
    assert match, line
    source = match.group(1)
    short = source.rsplit("/", 1)[-1].split("@", 1)[0]
    entries = []
    for part in match.group(2).split(","):
        words = part.strip().split(" as ")
        entries.append((_plain(words[0]), _plain(words[-1])))
    return short, entries


class _Lines:
    def __init__(self, text: str) -> None:
        self.lines = [
            line.strip()
            for line in text.splitlines()
            if line.strip() and not line.strip().startswith(("///", "@", "//"))
        ]
        self.pos = 0

    def next(self) -> str:
        line = self.lines[self.pos]
        self.pos += 1
        return line

    def done(self) -> bool:
        return self.pos >= len(self.lines)


def _block(lines: _Lines) -> list[str]:
    """The lines up to the closing brace of a block whose opening line was just read."""
    out = []
    while True:
        line = lines.next()
        if line == "}":
            return out
        out.append(line)


def _braced(head: str, members: list[str]) -> str:
    return f"{head} {{ " + ", ".join(m.rstrip(",") for m in members) + " }"


def _resource_members(resource: str, members: list[str]) -> dict[str, str]:
    """The functions of a resource block, by their names in the binary."""
    functions = {}
    for member in members:
        member = member.rstrip(";")
        if member.startswith("constructor("):
            functions[f"[constructor]{resource}"] = member
        else:
            fname, ftype = member.split(": ", 1)
            kind = "[static]" if ftype.startswith("static ") else "[method]"
            functions[f"{kind}{resource}.{_plain(fname)}"] = ftype
    return functions


def _interface_body(lines: _Lines) -> dict[str, Any]:
    functions: dict[str, str] = {}
    types: dict[str, Any] = {}
    while True:
        line = lines.next()
        if line == "}":
            return {"functions": functions, "types": types}
        if line.startswith("use "):
            short, entries = _use_entries(line)
            for orig, local in entries:
                types[local] = ("use", short, orig)
            continue
        head = line.split(" ", 2)
        if head[0] == "resource":
            name = _plain(head[1].rstrip(";"))
            types[name] = f"resource {head[1].rstrip(';')}"
            if line.endswith("{"):
                functions.update(_resource_members(name, _block(lines)))
            continue
        if head[0] in ("record", "variant", "enum", "flags") and line.endswith("{"):
            types[_plain(head[1])] = _braced(line[:-2], _block(lines))
            continue
        if head[0] == "type":
            types[_plain(head[1])] = line.rstrip(";")
            continue
        fname, ftype = line.rstrip(";").split(": ", 1)
        functions[_plain(fname)] = ftype


def read_wit(text: str) -> Listing:
    """The world's imports and exports, with the functions and types of every interface they name."""
    lines = _Lines(text)
    interfaces: dict[str, dict[str, Any]] = {}
    world: list[tuple[str, str, str, Any]] = []  # (direction, name, kind, payload)
    root = None
    package = None
    while not lines.done():
        line = lines.next()
        if line.startswith("package ") and line.endswith(";"):
            root = line[len("package ") : -1]
            package = root
        elif line.startswith("package ") and line.endswith("{"):
            package = line[len("package ") : -2]
        elif line == "}":
            package = root
        elif line.startswith("interface "):
            name = line[len("interface ") : -2]
            assert package is not None
            namespace, _, version = package.partition("@")
            qualified = f"{namespace}/{_plain(name)}" + (f"@{version}" if version else "")
            interfaces[qualified] = _interface_body(lines)
        elif line.startswith("world "):
            _world_body(lines, world)
    listing: Listing = {}
    uses: dict[str, int] = {}
    for _, name, kind, payload in world:
        if kind == "instance" and not isinstance(payload, dict):
            key = name if payload is None else payload
            uses[key] = uses.get(key, 0) + 1
    for direction, name, kind, payload in world:
        implements = None
        if kind == "instance" and payload is None:
            body = interfaces[name]
        elif kind == "instance" and isinstance(payload, str):
            body = interfaces[payload]
            implements = payload
        elif kind == "instance":
            body = payload
        elif kind == "func":
            body = {"functions": {name: payload}, "types": {}}
        else:
            body = {"functions": {}, "types": {name: payload}}
        listing[(direction, name)] = {"kind": kind, **body, "implements": implements}
        if kind == "instance" and uses.get(implements or name, 0) > 1:
            # The world imports and exports one interface: WIT prints it once, with what either side uses.
            listing[(direction, name)]["shared"] = True
    return listing


def _world_body(lines: _Lines, world: list[tuple[str, str, str, Any]]) -> None:
    while True:
        line = lines.next()
        if line == "}":
            return
        if line.startswith("use "):
            short, entries = _use_entries(line)
            for orig, local in entries:
                world.append(("import", local, "type", ("use", short, orig)))
            continue
        direction, rest = line.split(" ", 1)
        if direction == "resource":  # a resource imported by the world, with its functions
            name = _plain(rest.rstrip(";").removesuffix(" {"))
            world.append(("import", name, "type", f"resource {rest.rstrip(';').removesuffix(' {')}"))
            if line.endswith("{"):
                for fname, ftype in _resource_members(name, _block(lines)).items():
                    world.append(("import", fname, "func", ftype))
            continue
        if direction not in ("import", "export"):  # a type defined in the world
            head = line.split(" ", 2)
            if line.endswith("{"):
                definition: str = _braced(line[:-2], _block(lines))
            else:
                definition = line.rstrip(";")
            world.append(("import", _plain(head[1].rstrip(";")), "type", definition))
            continue
        if ": " not in rest:
            world.append((direction, rest.rstrip(";"), "instance", None))
            continue
        name, kind = rest.split(": ", 1)
        if kind == "interface {":
            world.append((direction, _plain(name), "instance", _interface_body(lines)))
        elif not kind.startswith(("func(", "async func(")):  # `name: iface;`: a label for an interface
            world.append((direction, _plain(name), "instance", kind.rstrip(";")))
        else:
            world.append((direction, _plain(name), "func", kind.rstrip(";")))


def wasmlint_listing(entry: dict[str, Any]) -> Listing:
    """wasmlint's JSON listing of one component, in the shape of :func:`read_wit`."""
    listing: Listing = {}
    for direction in ("import", "export"):
        for item in entry[f"{direction}s"]:
            types: dict[str, Any] = {}
            for t in item.get("types", []):
                if t["kind"] == "use":
                    short, entries = _use_entries(t["definition"] + ";")
                    types[t["name"]] = ("use", short, entries[0][0])
                else:
                    types[t["name"]] = t["definition"]
            functions = {f["name"]: f["type"] for f in item.get("functions", [])}
            listing[(direction, item["name"])] = {
                "kind": item["kind"],
                "functions": functions,
                "types": types,
                "implements": item.get("implements"),
            }
    return listing


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([WASM_TOOLS, *args], capture_output=True, text=True, timeout=120)


SMITH_PROFILES = {
    "plain": (),
    "async": ("--async", "--futures", "--streams", "--error-context", "--fixed-length-lists"),
    "implements": ("--implements", "--world-include"),
    "canonical": ("--canonical-names",),
    "arbitrary": ("--arbitrary-config",),
}
"""wit-smith's options per profile: the plain profile is what wasmtime-py can run; the others reach the gated
features (async functions, streams, futures, error-context, fixed-length lists, ``implements`` names, canonical
interface names with version suffixes)."""


def smith_components(directory: Path, seed: bytes, limit: int = 3, profile: str = "plain") -> list[Path]:
    """Components built from the random WIT package that ``wasm-tools wit-smith`` makes of ``seed``: one per world
    of its main package (at most ``limit``), each a dummy core module (``component embed --dummy``) wrapped by
    ``component new``. A world that wit-component cannot build a component for is passed by."""
    directory.mkdir(parents=True, exist_ok=True)
    seed_file = directory / "seed"
    seed_file.write_bytes(seed)
    package = directory / "package.wasm"
    if _run("wit-smith", *SMITH_PROFILES[profile], str(seed_file), "-o", str(package)).returncode != 0:
        return []
    text = _run("component", "wit", str(package))
    worlds = []
    depth = 0
    for line in text.stdout.splitlines():
        stripped = line.strip()
        if depth == 0 and stripped.startswith("world "):
            worlds.append(stripped.split()[1])
        depth += stripped.count("{") - stripped.count("}")
    made = []
    for n, world in enumerate(worlds[:limit]):
        core = directory / f"embed{n}.wasm"
        component = directory / f"component{n}.wasm"
        embed = ("component", "embed", "--dummy", "--all-features", "-w", world, str(package), "-o", str(core))
        if _run(*embed).returncode != 0:
            continue
        if _run("component", "new", str(core), "-o", str(component)).returncode != 0:
            continue
        made.append(component)
    return made


def same(ours: Listing, reference: Listing) -> list[str]:
    """Where ``ours`` differs from ``reference`` (empty when they agree); a shared interface's entry must hold a
    subset of what WIT prints, and the entries naming it must add up to all of it."""
    problems = [f"{key}: missing or extra" for key in ours.keys() ^ reference.keys()]
    unions: dict[str, dict[str, dict[str, Any]]] = {}
    for key in ours.keys() & reference.keys():
        mine, theirs = ours[key], reference[key]
        if not theirs.get("shared"):
            if mine != theirs:
                problems.append(f"{key}: {mine} != {theirs}")
            continue
        for part in ("functions", "types"):
            extra = {k: v for k, v in mine[part].items() if theirs[part].get(k) != v}
            if extra:
                problems.append(f"{key}: {part} {extra} not in {theirs[part]}")
            unions.setdefault(f"{theirs['implements'] or key[1]}:{part}", {}).update(mine[part])
            if mine["kind"] != theirs["kind"] or mine["implements"] != theirs["implements"]:
                problems.append(
                    f"{key}: {mine['kind']}/{mine['implements']} != {theirs['kind']}/{theirs['implements']}"
                )
    for key in ours.keys() & reference.keys():
        theirs = reference[key]
        if theirs.get("shared"):
            for part in ("functions", "types"):
                if unions[f"{theirs['implements'] or key[1]}:{part}"] != theirs[part]:
                    problems.append(f"{key}: the entries naming it do not add up to its {part}")
    return problems
