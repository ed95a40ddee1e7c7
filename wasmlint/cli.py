"""The command line: reads files, calls the library, renders, and chooses the exit status.

Subcommands import what they need when they run, so that ``wasmlint --help`` starts fast.
"""

from __future__ import annotations

import enum
import sys
from typing import Any

import click

from ._version import __version__


class Exit(enum.IntEnum):
    """Exit statuses, the same for every subcommand."""

    OK = 0
    """Nothing at error severity was found."""
    FINDINGS = 1
    """A finding at error severity (check), or a stale generated file (gen --check)."""
    ERROR = 2
    """A usage error, or an input that could not be read or decoded."""


EXIT_HELP = "Exit status: 0 clean, 1 findings at error severity, 2 usage error or unreadable/malformed input."


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_HELP)
@click.version_option(__version__, prog_name="wasmlint")
def main() -> None:
    """Stop WebAssembly plugins from failing at load time.

    wasmlint decodes .wasm files itself (no runtime needed), lists what they import and export, and checks
    those imports against a host ABI manifest.
    """


@main.command(epilog=EXIT_HELP)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: a table per file; json: an array with one object per file (schema: wasmlint/schemas/).",
)
def inspect(files: tuple[str, ...], output_format: str) -> None:
    """List the imports and exports of each FILE, with their types and producers.

    Every file is listed even when another cannot be read; then the exit status is 2.
    """
    from .binary import decode_path
    from .listing import error_to_json, module_to_json, module_to_text
    from .reader import DecodeError

    results: list[dict[str, Any]] = []
    failed = False
    for path in files:
        try:
            module = decode_path(path)
        except DecodeError as exc:
            failed = True
            entry = error_to_json(path, exc.offset, exc.message)
            if output_format == "text":
                click.echo(f"{path}: error: {exc}", err=True)
        except OSError as exc:
            failed = True
            entry = error_to_json(path, None, exc.strerror or str(exc))
            if output_format == "text":
                click.echo(f"{path}: error: {entry['error']['message']}", err=True)
        else:
            if output_format == "text":
                click.echo(module_to_text(path, module), nl=False)
                continue
            entry = module_to_json(path, module)
        results.append(entry)
    if output_format == "json":
        import json

        click.echo(json.dumps(results, indent=2, ensure_ascii=False))
    sys.exit(Exit.ERROR if failed else Exit.OK)


def _codes(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [code.strip().upper() for code in value.split(",") if code.strip()]


@main.command(epilog=EXIT_HELP)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--manifest",
    "-m",
    type=click.Path(dir_okay=False, path_type=str),
    help="Host ABI manifest. Default: the nearest wasmlint.toml above each file, else [tool.wasmlint] "
    "`manifest` in the nearest pyproject.toml.",
)
@click.option(
    "--preset",
    "presets",
    multiple=True,
    type=click.Choice(["wasi_snapshot_preview1", "extism"]),
    help="Check against built-in presets alone, with no manifest file (repeatable).",
)
@click.option(
    "--phase",
    "phases",
    multiple=True,
    help="Check only this phase (repeatable); `run` is the full run. Default: every phase the manifest declares.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "sarif", "github"]),
    default="text",
    show_default=True,
    help="text: `path: CODE message` lines; json; sarif (SARIF 2.1.0 for code scanning); github (annotations).",
)
@click.option("--select", help="Comma-separated rule codes or prefixes to enable (e.g. WL1,WL401; ALL).")
@click.option("--ignore", help="Comma-separated rule codes or prefixes to disable.")
def check(
    files: tuple[str, ...],
    manifest: str | None,
    presets: tuple[str, ...],
    phases: tuple[str, ...],
    output_format: str,
    select: str | None,
    ignore: str | None,
) -> None:
    """Check that each FILE imports only what its host provides, in every phase, and exports what it calls.

    Every problem of every file is reported in one run, with stable rule codes (`wasmlint rules` explains each).
    Findings go to standard output; failures to read a manifest go to standard error.
    """
    from .run import run_check

    result = run_check(
        files,
        manifest=manifest,
        presets=presets,
        phases=phases,
        select=_codes(select),
        ignore=_codes(ignore),
    )
    for message in result.failures:
        click.echo(f"wasmlint: error: {message}", err=True)
    if result.findings or output_format != "text":
        from .report import render, use_color

        color = output_format == "text" and use_color(sys.stdout)
        click.echo(render(result.findings, output_format, color=color, tool_version=__version__), nl=False)
    sys.exit(result.exit_status)


@main.command()
@click.argument("code", required=False)
def rules(code: str | None) -> None:
    """Explain rule CODE (what it does, why, an example and the fix), or list every rule."""
    from .rules import RULES, RULES_BY_CODE, rule_documentation

    if code is None:
        for rule in RULES:
            default = "" if rule.default_enabled else " (off by default)"
            click.echo(f"{rule.code}  {rule.name:<28} {rule.severity:<8} {rule.summary}{default}")
        return
    found = RULES_BY_CODE.get(code.upper())
    if found is None:
        raise click.UsageError(f"unknown rule {code!r}; `wasmlint rules` lists them")
    click.echo(rule_documentation(found), nl=False)


@main.command(epilog=EXIT_HELP)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
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
def init(files: tuple[str, ...], output: str, host_name: str, force: bool) -> None:
    """Write a manifest that provides exactly what the plugin FILEs import.

    Imports that the built-in presets recognise (WASI preview 1, the Extism kernel) come from the presets; the
    rest are written with their exact types, sorted, each commented with the plugins that need it. Exports that
    every plugin has are listed as optional exports.
    """
    from pathlib import Path

    from .binary import decode_path
    from .fileio import write_atomic
    from .reader import DecodeError
    from .scaffold import manifest_for

    if output != "-" and Path(output).exists() and not force:
        raise click.UsageError(f"{output} exists; pass --force to overwrite it")
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
    click.echo(f"wrote {output}: `wasmlint check {' '.join(files)}` uses it from that directory", err=True)


@main.command(epilog="Exit status: 0 written (or current), 1 refused, check findings or stale, 2 usage or input error.")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=str))
@click.option(
    "--target",
    type=click.Choice(["python-wasmtime", "python-extism", "go-extism"]),
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
@click.option("--package", default="hostfuncs", show_default=True, help="The Go package name (go-extism).")
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

    from .codegen import CheckFailed, GenError, Refused, generate
    from .fileio import write_atomic
    from .templating import is_current, unified_diff

    if check and output == "-":
        raise click.UsageError("--check compares with a file: pass -o OUTPUT")
    try:
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
        from .report import render

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
