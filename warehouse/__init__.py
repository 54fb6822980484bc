"""The DuckDB warehouse: schema, bulk loading, transforms and marts."""
