"""`wasmlint presets`: the built-in host ABIs, listed or written out as a manifest to copy."""

from __future__ import annotations

import click

from ..cli import EXIT_HELP, Command


@click.command(cls=Command, epilog=EXIT_HELP)
@click.argument("preset", required=False, metavar="[NAME[@VERSION]]")
def presets(preset: str | None) -> None:
    """List every preset (versions, namespaces with function counts, sources), or print preset NAME as a manifest.

    The manifest is plain (`check --manifest` loads it as it is): copy it and extend it. A versioned preset is
    written at VERSION, else at its newest version.
    """
    from ..manifest.catalog import as_manifest, listing
    from ..manifest.values import ManifestError

    if preset is None:
        click.echo(listing(), nl=False)
        return
    try:
        text = as_manifest(preset)
    except ManifestError as exc:
        raise click.UsageError(exc.message) from None
    click.echo(text, nl=False)
