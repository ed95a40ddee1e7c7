"""`wasmlint gen`: the host's dummy-function table."""

from __future__ import annotations

import sys

import click

from .. import __version__
from ..cli import Command, Exit


@click.command(
    cls=Command,
    epilog="Exit status: 0 written (or current), 1 refused, check findings or stale, 2 usage or input error.",
)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--target",
    type=click.Choice(["python-wasmtime", "python-extism", "go-extism", "go-wazero", "python-wasmtime-component"]),
    help="The host runtime to generate for (README: wasmlint gen).",
)
@click.option(
    "--manifest",
    "-m",
    type=click.Path(dir_okay=False, path_type=str),
    help="Generate every host function the manifest declares (with FILEs: check them against it first).",
)
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=str),
    help="The file to write (atomically); - for standard output.",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 with a diff when OUTPUT is not what gen renders.")
@click.option(
    "--on-call",
    "on_call",
    multiple=True,
    metavar="[SELECTOR=]MODE",
    help="What dummies do when called: zero, trap or hook; SELECTOR is *, a phase or an import key (repeatable).",
)
@click.option(
    "--template",
    type=click.Path(dir_okay=False, path_type=str),
    help="Render this Jinja template instead (with --target: under that target's limits).",
)
@click.option("--package", default="hostfuncs", show_default=True, help="The Go package name (go-extism, go-wazero).")
def gen(
    files: tuple[str, ...],
    target: str | None,
    manifest: str | None,
    output: str,
    check: bool,
    on_call: tuple[str, ...],
    template: str | None,
    package: str,
) -> None:
    """Generate a host's import table for TARGET: a dummy for every import, and the real ones per phase.

    From a manifest: every host function it declares. From module FILEs: exactly the union of their imports. From
    both: the manifest's functions, after checking the FILEs against it (failing with the findings of `check`).
    Namespaces the target's runtime supplies itself (WASI; Extism's kernel) are never generated, and imports the
    runtime cannot express are refused, each named with the reason.
    """
    from pathlib import Path

    from ..fileio import write_atomic
    from ..gen.codegen import CheckFailed, GenError, Refused, generate
    from ..gen.templating import is_current, unified_diff

    if check and output == "-":
        raise click.UsageError("--check compares with a file: pass -o OUTPUT")
    try:
        if target == "python-wasmtime-component" and template is None:
            from ..gen.component import generate_component

            result = generate_component(manifest=manifest, files=files, on_call=on_call, output=output)
        else:
            result = generate(
                target=target,
                manifest=manifest,
                files=files,
                on_call=on_call,
                template=template,
                package=package,
                output=output,
            )
    except CheckFailed as exc:
        from ..render.findings import render

        for message in exc.result.failures:
            click.echo(f"wasmlint: error: {message}", err=True)
        click.echo(render(exc.result.findings, "text", tool_version=__version__), nl=False)
        sys.exit(exc.result.exit_status)
    except Refused as exc:
        for reason in exc.reasons:
            click.echo(f"wasmlint: error: cannot generate {target or template}: {reason}", err=True)
        sys.exit(Exit.FINDINGS)
    except GenError as exc:
        click.echo(f"wasmlint: error: {exc}", err=True)
        sys.exit(Exit.ERROR)
    for note in result.notes:
        click.echo(f"wasmlint gen: {note}", err=True)
    if output == "-":
        click.echo(result.text, nl=False)
        return
    if check:
        try:
            on_disk = Path(output).read_text(encoding="utf-8")
        except FileNotFoundError:
            on_disk = ""
        if is_current(on_disk, result.text):
            return
        click.echo(unified_diff(on_disk, result.text, output), nl=False)
        click.echo(f"wasmlint: {output} is stale: run the command in its header", err=True)
        sys.exit(Exit.FINDINGS)
    try:
        write_atomic(output, result.text)
    except OSError as exc:
        click.echo(f"wasmlint: error: cannot write {output}: {exc.strerror or exc}", err=True)
        sys.exit(Exit.ERROR)
    click.echo(f"wrote {output}", err=True)
