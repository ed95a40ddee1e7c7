"""`wasmlint init`: write a first manifest from plugins."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..cli import EXIT_HELP, Command, Exit, exclusion_options, expand_paths


@click.command(cls=Command, epilog=EXIT_HELP)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "-o",
    "--output",
    default="wasmlint.toml",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=str),
    help="Where to write the manifest; - for standard output.",
)
@click.option("--host", "host_name", default="my-host", show_default=True, help="The host's name in [host].")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@exclusion_options
def init(
    files: tuple[str, ...],
    output: str,
    host_name: str,
    force: bool,
    exclude: tuple[str, ...] = (),
    extend_exclude: tuple[str, ...] = (),
) -> None:
    """Write a manifest that provides exactly what the plugin FILEs import.

    Imports that the built-in presets recognise (WASI preview 1, the Extism kernel, and the ecosystems' hosts when
    a plugin carries their marker or imports their own namespace: proxy-wasm, CosmWasm, Soroban, ...) come from the
    presets; the rest are written with their exact types, sorted, each commented with the plugins that need it.
    Exports that every plugin has are listed as optional exports. A FILE may be a folder (its .wasm files, but what
    .gitignore or the exclusions skip) or a glob.
    """
    from pathlib import Path

    from ..decode.module import decode_path
    from ..decode.reader import DecodeError
    from ..fileio import write_atomic
    from ..gen.scaffold import manifest_for

    if output != "-" and Path(output).exists() and not force:
        raise click.UsageError(f"{output} exists; pass --force to overwrite it")
    arguments = files
    files = tuple(expand_paths(files, exclude, extend_exclude))
    plugins = []
    components = []
    for path in files:
        try:
            module = decode_path(path)
            if module.kind == "component":
                from ..decode.component import decode_component_path

                components.append((Path(path).as_posix(), decode_component_path(path)))
                continue
        except (DecodeError, OSError) as exc:
            click.echo(f"wasmlint: error: {path}: {exc}", err=True)
            sys.exit(Exit.ERROR)
        plugins.append((Path(path).as_posix(), module))
    if components:
        if plugins:
            click.echo("wasmlint: error: give either core modules or components: a manifest describes one", err=True)
            sys.exit(Exit.ERROR)
        if output == "-":
            raise click.UsageError("for components, init writes the manifest and its WIT world: give -o PATH")
        _init_world(components, output, host_name, force)
        return
    text = manifest_for(plugins, host_name)
    if output == "-":
        click.echo(text, nl=False)
        return
    write_atomic(output, text)
    click.echo(f"wrote {output}: `wasmlint check {' '.join(arguments)}` uses it from that directory", err=True)


def _init_world(components: list[tuple[str, Any]], output: str, host_name: str, force: bool) -> None:
    """The manifest of a component host, and beside it the WIT world it names (``host.wit``), converted to its
    binary form (``host.wasm``) when wasm-tools is on PATH, so that check needs no tool."""
    import os
    import shutil
    import subprocess

    from ..fileio import write_atomic
    from ..gen.scaffold import toml_string
    from ..gen.world import WORLD_NAME, WORLD_PACKAGE, unwritable, world_for

    refused = unwritable(components)
    if refused:
        click.echo("wasmlint: error: names that cannot be written into WIT: " + ", ".join(refused), err=True)
        sys.exit(Exit.ERROR)
    folder = os.path.dirname(output) or "."
    if not os.path.isdir(folder):
        raise click.UsageError(f"{folder} is not a folder: init writes {output} and host.wit there")
    wit = os.path.join(folder, "host.wit")
    binary = os.path.join(folder, "host.wasm")
    for path in (wit, binary):
        if os.path.exists(path) and not force:
            raise click.UsageError(f"{path} exists; pass --force to overwrite it")
    write_atomic(wit, world_for(components))
    package = "host.wit"
    tool = shutil.which("wasm-tools")
    if tool is not None:
        done = subprocess.run([tool, "component", "wit", wit, "--wasm", "-o", binary], capture_output=True, text=True)
        if done.returncode != 0:
            click.echo(f"wasmlint: error: {wit} does not convert: {done.stderr.strip()}", err=True)
            sys.exit(Exit.ERROR)
        package = "host.wasm"
    sources = ", ".join(path for path, _ in components)
    text = (
        f"# Written by `wasmlint init` from {sources}: the world imports what they import.\n"
        f"# host.wit is the world as WIT text; `wasm-tools component wit host.wit --wasm -o host.wasm` converts it.\n"
        f"[host]\nname = {toml_string(host_name)}\nworld = {toml_string(f'{WORLD_PACKAGE}/{WORLD_NAME}')}\n"
        f"wit = {toml_string(package)}\n"
    )
    write_atomic(output, text)
    click.echo(f"wrote {output} and {wit}" + (f" ({binary})" if package == "host.wasm" else ""), err=True)
