"""The `leads` command: the front door for every use. Query commands never import Prefect."""
from __future__ import annotations

import sys
from typing import Optional

import typer

from jobleads import __version__
from jobleads.cli.state import UsageError, configure

app = typer.Typer(
    name="leads",
    help="jobleads: job postings from public APIs and your network, merged, ranked and explained.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"jobleads {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    db: Optional[str] = typer.Option(None, "--db", help="Database file (default: $LEADS_DB or ./data/leads.duckdb)."),
    config: Optional[str] = typer.Option(None, "--config", help="Config file (default: $LEADS_CONFIG or ./leads.toml)."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    configure(db, config)


# Command modules register themselves on `app` when imported.
from jobleads.cli import ingest, insight, network, ops, query, sources_cmd  # noqa: E402,F401


def main() -> None:
    from connectors.http import SourceError
    from jobleads.config import ConfigError
    from warehouse.db import WarehouseBusy, WarehouseError

    try:
        app(standalone_mode=False)
    except (UsageError, ConfigError, SourceError, WarehouseBusy, WarehouseError) as exc:
        typer.echo(f"leads: {exc}", err=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("leads: aborted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # click usage errors arrive here in non-standalone mode
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(2 if isinstance(exc, click.UsageError) else exc.exit_code)
        raise
