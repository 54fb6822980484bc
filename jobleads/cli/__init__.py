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
    rich_markup_mode="markdown",  # help texts name TOML tables ("[profile]"): Markdown keeps them, Rich markup ate them
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
    debug: bool = typer.Option(False, "--debug", help="Show Prefect's own log on the terminal (else: prefect.log)."),
) -> None:
    if debug:
        import os

        os.environ["LEADS_DEBUG"] = "1"
    configure(db, config)


# Command modules register themselves on `app` when imported.
from jobleads.cli import discover_cmd, ingest, insight, network, ops, outreach_cmd, query, sources_cmd, status_cmd  # noqa: E402,F401


def main() -> None:
    import os

    # Everything jobleads writes holds the user's contacts, notes or searches: the database, its WAL (DuckDB
    # creates it with the process umask), the read copy, the lock, the HTTP cache, logs. Readable by the user only.
    os.umask(0o077)
    from connectors.errors import SourceError
    from jobleads.cli.running import RunError
    from jobleads.config import ConfigError
    from warehouse.db import WarehouseBusy, WarehouseError

    try:
        code = app(standalone_mode=False)  # without standalone mode, click returns typer.Exit's code
        if isinstance(code, int) and code:
            sys.exit(code)
    except (UsageError, ConfigError, SourceError, WarehouseBusy, WarehouseError) as exc:
        _fail(str(exc), 2)
    except RunError as exc:
        _fail(str(exc), 1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        _fail("aborted", 130)
    except KeyboardInterrupt:
        sys.exit(130)
    except typer.TyperException as exc:
        # Typer's bundled click raises these (bad option value, unknown option or command, missing
        # argument); they are not `click.ClickException`s. One line, exit 2, no usage block.
        _fail(_one_line(exc.format_message(), getattr(exc, "ctx", None)), 2)
    except Exception as exc:  # noqa: BLE001 - only storage errors become a line; anything else is a bug to show
        from jobleads.cli.state import state
        from warehouse.db import storage_problem

        problem = storage_problem(exc, state.db)
        if problem is None or os.environ.get("LEADS_DEBUG"):
            raise
        _fail(problem, 2)


def _one_line(message: str, ctx) -> str:
    text = " ".join(message.split())
    command = getattr(ctx, "command_path", None) if ctx is not None else None
    return f"{text} (see `{command} --help`)" if command else text


def _fail(message: str, code: int) -> None:
    from jobleads.cli.output import clean

    typer.echo(f"leads: {clean(message)}", err=True)  # messages quote files and records: no escapes through
    sys.exit(code)
