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
