"""The user's word on companies: `leads company alias`, `unalias` and `list` (warehouse/companies.py resolves
names by these aliases)."""
from __future__ import annotations

import duckdb

from warehouse.company_resolver import Resolver
from warehouse.company_names import company_id_for, signature
from warehouse.normalize import company_key


def add_alias(con: duckdb.DuckDBPyConnection, alias: str, canonical: str) -> tuple[str, str]:
    """`leads company alias ALIAS CANONICAL`: the user's word for parents and rebrands; (company id, name)."""
    alias_key, canonical_key = company_key(alias), company_key(canonical)
    if not alias_key:
        raise ValueError(f"alias '{alias}' has no name left after normalization")
    if not canonical_key:
        raise ValueError(f"company '{canonical}' has no name left after normalization")
    if alias_key == canonical_key:
        raise ValueError(f"'{alias}' and '{canonical}' are already the same company")
    resolver = Resolver(con)
    cid = resolver.lookup(canonical_key, signature(canonical)) or resolver.resolve(canonical)
    resolver.save()
    old = con.execute("SELECT company_id FROM company_aliases WHERE alias_norm = ?", [alias_key]).fetchone()
    con.execute(
        "INSERT INTO company_aliases VALUES (?, ?, ?, 'user') ON CONFLICT (alias_norm) DO UPDATE SET "
        "company_id = excluded.company_id, alias = excluded.alias, origin = 'user'",
        [alias_key, cid, alias],
    ).fetchall()
    if old and old[0] != cid:
        # The company that existed only under the alias's spelling is the canonical one: its look-alike
        # spellings (found by rule) move with it. A bigger company the alias merely resembled keeps its own.
        con.execute(
            "UPDATE company_aliases SET company_id = $new WHERE origin = 'rule' AND company_id = $old "
            "AND $old IN (SELECT company_id FROM companies WHERE norm_name = $key)",
            {"new": cid, "old": old[0], "key": alias_key},
        ).fetchall()
    name = con.execute("SELECT name FROM companies WHERE company_id = ?", [cid]).fetchone()
    return cid, name[0] if name else canonical


def remove_alias(con: duckdb.DuckDBPyConnection, alias: str) -> tuple[str, str]:
    """`leads company unalias NAME`: NAME is a company of its own, whatever an alias or a rule said (a venture
    fund named after a word is not the company of that word). Returns (company id, the company it left)."""
    alias_key = company_key(alias)
    if not alias_key:
        raise ValueError(f"'{alias}' has no name left after normalization")
    found = con.execute(
        "SELECT a.company_id, c.name, c.norm_name FROM company_aliases a LEFT JOIN companies c USING (company_id) "
        "WHERE a.alias_norm = ?", [alias_key]).fetchone()
    if found is None:
        raise ValueError(f"'{alias}' is no alias the resolver knows (see `leads company list`)")
    old_cid, old_name, old_norm = found
    if old_norm == alias_key:
        raise ValueError(f"'{alias}' is already a company of its own ({old_name})")
    cid = company_id_for("own:" + alias_key)
    con.execute("INSERT INTO companies (company_id, name, norm_name) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [cid, alias.strip(), alias_key]).fetchall()
    # A user decision (origin 'user'), so no rule or board spelling takes the name back.
    con.execute("UPDATE company_aliases SET company_id = ?, alias = ?, origin = 'user' WHERE alias_norm = ?",
                [cid, alias.strip(), alias_key]).fetchall()
    return cid, old_name or old_cid


def company_rows(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Companies with their aliases and how many open leads and contacts each has."""
    rows = con.execute(
        """
        SELECT c.company_id, c.name,
               (SELECT list(a.alias || ' (' || a.origin || ')' ORDER BY a.origin, a.alias)
                FROM company_aliases a WHERE a.company_id = c.company_id) AS aliases,
               (SELECT count(*) FROM leads l WHERE l.company_id = c.company_id AND l.status = 'open') AS open_leads,
               (SELECT count(*) FROM contacts k WHERE k.company_id = c.company_id) AS contacts
        FROM companies c ORDER BY c.name
        """
    ).fetchall()
    return [{"company_id": cid, "company": name, "aliases": list(aliases or []), "open_leads": n, "contacts": k}
            for cid, name, aliases, n, k in rows]
