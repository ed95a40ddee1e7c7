"""`wasmlint init`: write a first manifest from plugins."""

from __future__ import annotations

import sys

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

    Imports that the built-in presets recognise (WASI preview 1, the Extism kernel) come from the presets; the
    rest are written with their exact types, sorted, each commented with the plugins that need it. Exports that
    every plugin has are listed as optional exports. A FILE may be a folder (its .wasm files, but what .gitignore
    or the exclusions skip) or a glob.
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
    for path in files:
        try:
            module = decode_path(path)
        except (DecodeError, OSError) as exc:
            click.echo(f"wasmlint: error: {path}: {exc}", err=True)
            sys.exit(Exit.ERROR)
        if module.kind == "component":
            click.echo(f"wasmlint: error: {path}: a component; `init` reads core modules", err=True)
            sys.exit(Exit.ERROR)
        plugins.append((Path(path).as_posix(), module))
    text = manifest_for(plugins, host_name)
    if output == "-":
        click.echo(text, nl=False)
        return
    write_atomic(output, text)
    click.echo(f"wrote {output}: `wasmlint check {' '.join(arguments)}` uses it from that directory", err=True)
