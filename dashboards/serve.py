"""`leads dashboard` starts Streamlit through here: the page's modules (pandas, DuckDB, the read side) are
imported and the shipped tables' digest computed before the server listens, so the first visitor does not
wait for them (they stay loaded for every later session of this server)."""
from __future__ import annotations

import sys

import dashboards.views  # noqa: F401 - imports pandas, streamlit's elements, dashboards.data
import warehouse.queries  # noqa: F401
import warehouse.read_side  # noqa: F401
from warehouse.versions import shipped_tables_digest


def main() -> int:
    from streamlit.web import cli

    shipped_tables_digest()  # what the freshness check of the first read needs
    return cli.main()  # the command line after `-m dashboards.serve`: run APP --server.address ...


if __name__ == "__main__":
    sys.exit(main())
