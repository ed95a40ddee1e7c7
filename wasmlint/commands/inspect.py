"""`wasmlint inspect`: list imports and exports."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..cli import EXIT_HELP, Command, Exit


@click.command(cls=Command, epilog=EXIT_HELP)
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: a table per file; json: an array with one object per file (schema: wasmlint/schemas/).",
)
def inspect(files: tuple[str, ...], output_format: str) -> None:
    """List the imports and exports of each FILE, with their types and producers; a component's in WIT.

    Every file is listed even when another cannot be read; then the exit status is 2.
    """
    from ..decode.module import decode_path
    from ..decode.reader import DecodeError
    from ..render.listing import error_to_json, module_to_json, module_to_text

    results: list[dict[str, Any]] = []
    failed = False
    # Listings are written straight to stdout, which flushes at each line on a terminal and once at exit into a
    # pipe (click.echo flushes every call); names from the binary are already escaped by the renderer.
    write = sys.stdout.write
    for path in files:
        component = None
        try:
            module = decode_path(path)
            if module.kind == "component":
                from ..decode.component import decode_component_path

                component = decode_component_path(path)
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
        else:  # written outside the try: a broken output pipe is not a file that cannot be read
            if component is not None:
                from ..render.components import component_to_json, component_to_text

                if output_format == "text":
                    write(component_to_text(path, component))
                    continue
                entry = component_to_json(path, component)
            elif output_format == "text":
                write(module_to_text(path, module))
                continue
            else:
                entry = module_to_json(path, module)
        results.append(entry)
    if output_format == "json":
        import json

        click.echo(json.dumps(results, indent=2, ensure_ascii=False))
    sys.exit(Exit.ERROR if failed else Exit.OK)
