"""A writing process converts Python objects to Arrow without pyarrow importing pandas, and pandas still
works when something really uses it (warehouse/staging.skip_pandas_probe)."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_write_command_converts_to_arrow_without_importing_pandas_and_pandas_works_after(tmp_path):
    code = textwrap.dedent(f"""
        import sys
        import pyarrow as pa
        from warehouse.db import writer
        from warehouse.staging import staged

        with writer({str(tmp_path / "leads.duckdb")!r}) as con:
            table = pa.table({{"name": ["Acme", "Globex"], "n": [1, 2]}})
            with staged(con, "names", table):
                assert con.execute("SELECT sum(n) FROM names").fetchone()[0] == 3
        assert "pandas" not in sys.modules, "pyarrow imported pandas"

        import pandas as pd
        assert table.to_pandas()["n"].tolist() == [1, 2]
        assert pa.Table.from_pandas(pd.DataFrame({{"x": [1]}})).num_rows == 1
        categories = pa.array(pd.Series(["a", "b", "a"], dtype="category"))
        assert pa.types.is_dictionary(categories.type), categories.type  # pyarrow reads pandas objects as such
    """)
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
