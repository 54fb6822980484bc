"""Merge the copies of one job into one lead, across sources and across nights.

Incremental: only postings without a lead (new tonight) are matched, against each other and against
every posting of their company block; known leads keep their ids, never merge with each other, and
only gain records. Steps:

1. Nodes: the postings of every block (company identity `coalesce(company_id, company_norm)`) that has
   a new posting. Blocks over `BIG_BLOCK` postings are split by the first title word, so the cost grows
   with the sum of squared block sizes, never with n^2.
2. Candidate pairs (one side new) are classified in SQL by the strong rules of `warehouse.matching`;
   only pairs the strong rules leave open have their titles scored, with rapidfuzz `cpdist`.
3. Union-find over the matching pairs, strongest first, refusing any union that would put two
   different job ids of one ATS in a lead or join two existing leads.
4. A new cluster becomes a lead whose id derives from its first record ('L' + sha1(posting_uid)[:11]);
   a cluster that reaches an existing lead joins it. Every record gets a `lead_sources` row: rule, score, evidence.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import numpy as np
import pyarrow as pa

from warehouse import matching as m
from warehouse.distinct import sorted_distinct
from warehouse.staging import staged

BIG_BLOCK = 1000


@dataclass
class DedupeStats:
    new_postings: int = 0
    block_nodes: int = 0
    pairs_considered: int = 0
    pairs_scored: int = 0
    matches: int = 0
    refused: int = 0
    new_leads: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


# The postings of every company with a new posting (and the old records elsewhere that share a new record's
# global job id), chosen by company before any wide column is read: a nightly fold reads a quarter of a
# million postings' columns instead of every posting's (0.47 -> 0.33 s at a million).
_NODES = f"""
CREATE OR REPLACE TEMP TABLE dedupe_chosen AS
WITH linked AS (  -- an old record elsewhere with a new record's global job id
    SELECT a.posting_uid, coalesce(a.company_id, a.company_norm) AS cid
    FROM postings a JOIN (SELECT DISTINCT ats, ats_job_id, {m.host_sql("canonical_url")} AS host
                          FROM postings WHERE lead_id IS NULL) b
        ON a.ats = b.ats AND a.ats_job_id = b.ats_job_id
    WHERE a.lead_id IS NOT NULL AND {m.global_id_sql("a", "b.host")}
      AND EXISTS (SELECT 1 FROM postings WHERE lead_id IS NOT NULL)
), cids AS (
    SELECT coalesce(company_id, company_norm) AS cid FROM postings WHERE lead_id IS NULL
    UNION SELECT cid FROM linked
), keyed AS (
    SELECT posting_uid, rowid AS row, lead_id, first_seen, coalesce(company_id, company_norm) AS cid,
           title_norm, coalesce(title_years, '') AS title_years, coalesce(title_seasons, '') AS title_seasons,
           coalesce(title_level, '') AS title_level, coalesce(location_norm, []::VARCHAR[]) AS location_norm,
           ats, ats_job_id, canonical_url, posted_at, source, coalesce(locations, []::VARCHAR[]) AS raw_locations
    FROM postings SEMI JOIN cids ON coalesce(company_id, company_norm) = cids.cid
), sizes AS (SELECT cid, count(*) AS n, bool_or(lead_id IS NULL) AS touched FROM keyed GROUP BY cid)
SELECT k.*, k.lead_id IS NULL AS is_new,
       CASE WHEN s.n > {BIG_BLOCK} THEN k.cid || '|' || split_part(k.title_norm, ' ', 1) ELSE k.cid END AS block
FROM keyed k JOIN sizes s USING (cid)
WHERE s.touched OR k.posting_uid IN (SELECT posting_uid FROM linked)
"""
# Numbered in a statement of its own, by a sort of two columns joined back: a window over the wide rows
# sorted every column with them (3.1 s at a million postings; 1.1 s this way). The places of `_place_nodes`
# are joined in here: an UPDATE of the list columns afterwards cost 0.5 s in a nightly fold.
_NUMBER_NODES = f"""
CREATE OR REPLACE TEMP TABLE dedupe_nodes AS
SELECT n.node, c.* EXCLUDE (raw_locations),
       coalesce(d.area, []::VARCHAR[]) AS place_area, coalesce(d.scope, []::VARCHAR[]) AS place_scope,
       CASE WHEN d.posting_uid IS NULL THEN []::VARCHAR[] ELSE {m.PLACE_CITY_SQL.format(area="d.area")} END AS place_city
FROM dedupe_chosen c JOIN (
    SELECT posting_uid, (row_number() OVER (ORDER BY first_seen, posting_uid) - 1)::INTEGER AS node FROM dedupe_chosen
) n USING (posting_uid)
LEFT JOIN dedupe_places d USING (posting_uid)
"""

def _place_nodes(con: duckdb.DuckDBPyConnection) -> None:
    """dedupe_places: the area and scope (warehouse/places.py: `node_places`, in SQL) of the chosen postings
    in blocks where they can change a verdict: a block with a place that names only a country or a state, or
    a misspelt city. Each distinct location is placed once in Python; every other node keeps empty lists."""
    from warehouse.places import needs_areas, place

    distinct = [r[0] for r in con.execute(
        "SELECT DISTINCT raw FROM (SELECT unnest(raw_locations) AS raw FROM dedupe_chosen) WHERE raw <> ''").fetchall()]
    # `place` writes its lists sorted and distinct, as the aggregate below writes a node's: a node of one place
    # (most of them) takes its place's lists as they are
    placed = [(raw, *place(raw), needs_areas(raw)) for raw in distinct]
    table = pa.table({"raw": pa.array([p[0] for p in placed], pa.string()),
                      "area": pa.array([list(p[1]) for p in placed], pa.list_(pa.string())),
                      "scope": pa.array([list(p[2]) for p in placed], pa.list_(pa.string())),
                      "needs": pa.array([p[3] for p in placed], pa.bool_())})
    with staged(con, "placed", table):
        con.execute("""
            CREATE OR REPLACE TEMP TABLE dedupe_places AS
            WITH special AS (SELECT DISTINCT block FROM (SELECT block, unnest(raw_locations) AS raw FROM dedupe_chosen)
                             WHERE raw IN (SELECT raw FROM placed WHERE needs)),
                 nodes AS (SELECT posting_uid, raw_locations FROM dedupe_chosen SEMI JOIN special USING (block)
                           WHERE len(raw_locations) > 0)
            SELECT n.posting_uid, p.area, CASE WHEN len(p.scope) > 0 THEN p.scope ELSE []::VARCHAR[] END AS scope
            FROM nodes n JOIN placed p ON p.raw = n.raw_locations[1]
            WHERE len(n.raw_locations) = 1
            UNION ALL
            SELECT r.posting_uid, list_sort(list_distinct(flatten(list(p.area)))) AS area,
                   CASE WHEN bool_and(len(p.scope) > 0) THEN list_sort(list_distinct(flatten(list(p.scope))))
                        ELSE []::VARCHAR[] END AS scope
            FROM (SELECT posting_uid, unnest(raw_locations) AS raw FROM nodes WHERE len(raw_locations) > 1) r
            JOIN placed p USING (raw)
            GROUP BY r.posting_uid
        """).fetchall()


# What dedupe knows of a pair of nodes `a`, `b`: the rules' tests, each once (`m.PAIR_FLAGS_SQL`), in a
# materialized step; then the verdict and the evidence the scoring reads, from those columns.
_PAIR_FLAGS = f"""a.node AS a, b.node AS b, {m.PAIR_FLAGS_SQL},
       list_has_any(a.location_norm, b.location_norm) AS location_overlap,
       {m.DAYS_APART_SQL} AS days_apart"""
_PAIR_COLUMNS = f"""a, b, {m.PAIR_VERDICT_SQL} AS verdict, {m.EVIDENCE_OK_SQL} AS evidence_ok, location_ok,
       location_overlap, coalesce(same_instant, FALSE) AS same_instant, days_apart"""

# Candidate pairs: both in a block, one side new, not settled as different by the rules that read no list
# (OPEN_PAIR_SQL). Their ids only: at a million postings 21.5M pairs shrink to 2.9M here, and only
# those have their places compared (carrying the list columns through the whole join took 10 s). The two
# halves (first side new; first side old, second new) let each filter reach its scan: with
# `a.is_new OR b.is_new` on one join, a nightly fold built every old-old pair of its blocks first.
_CANDIDATES = f"""
CREATE OR REPLACE TEMP TABLE dedupe_candidates AS
WITH settled AS MATERIALIZED (  -- the test as a column, not inside the join (2.5-3.0 s -> 1.6-1.9 s at a million)
    SELECT a.node AS x, b.node AS y, {m.OPEN_PAIR_SQL} AS open
    FROM dedupe_nodes a JOIN dedupe_nodes b ON a.block = b.block AND a.node < b.node
    WHERE a.is_new
    UNION ALL
    SELECT a.node AS x, b.node AS y, {m.OPEN_PAIR_SQL} AS open
    FROM dedupe_nodes a JOIN dedupe_nodes b ON a.block = b.block AND a.node < b.node
    WHERE NOT a.is_new AND b.is_new
)
SELECT x, y FROM settled WHERE open
"""
# Pairs the rules settle as "different" (verdict 0) are dropped at once, never materialized.
_PAIRS = f"""
CREATE OR REPLACE TEMP TABLE dedupe_pairs AS
WITH flags AS MATERIALIZED (
    SELECT {_PAIR_FLAGS}
    FROM dedupe_candidates c JOIN dedupe_nodes a ON a.node = c.x JOIN dedupe_nodes b ON b.node = c.y
)
SELECT * FROM (SELECT {_PAIR_COLUMNS} FROM flags) WHERE verdict > 0
"""
# Across blocks: only the pairs one global job id joins (a hash join, never every pair of two companies).
_CROSS_PAIRS = f"""
INSERT INTO dedupe_pairs
WITH flags AS MATERIALIZED (
    SELECT {_PAIR_FLAGS}
    FROM (SELECT a.node AS x, b.node AS y FROM dedupe_nodes a JOIN dedupe_nodes b
              ON a.ats = b.ats AND a.ats_job_id = b.ats_job_id AND a.node < b.node AND a.block <> b.block
                 AND (a.is_new OR b.is_new) AND {m.CROSS_COMPANY_SQL}) c
    JOIN dedupe_nodes a ON a.node = c.x JOIN dedupe_nodes b ON b.node = c.y
)
SELECT * FROM (SELECT {_PAIR_COLUMNS} FROM flags) WHERE verdict = 1
"""

# Pairs enumerated by blocking (at least one side new): all pairs of a block minus the old-old ones.
_PAIR_COUNT = """
SELECT coalesce(sum(n * (n - 1) / 2 - old * (old - 1) / 2), 0)::BIGINT
FROM (SELECT block, count(*) AS n, count(*) FILTER (WHERE NOT is_new) AS old FROM dedupe_nodes GROUP BY block)
"""


def assign_leads(con: duckdb.DuckDBPyConnection, now: datetime, stats: DedupeStats | None = None) -> int:
    """Give every unassigned posting a lead; return how many new leads were created."""
    stats = stats or DedupeStats()
    stats.new_postings = con.execute("SELECT count(*) FROM postings WHERE lead_id IS NULL").fetchall()[0][0]
    if not stats.new_postings:
        return 0
    clock = _Clock(stats)
    con.execute(_NODES).fetchall()
    _place_nodes(con)
    con.execute(_NUMBER_NODES).fetchall()
    for table in ("dedupe_chosen", "dedupe_places"):
        con.execute(f"DROP TABLE {table}").fetchall()
    nodes = con.sql(
        "SELECT node, ats, ats_job_id, is_new, title_years, title_seasons, title_level, "
        "CASE WHEN lead_id IS NULL THEN node ELSE min(node) OVER (PARTITION BY lead_id) END AS lead_root "
        "FROM dedupe_nodes ORDER BY node"
    ).to_arrow_table()
    stats.block_nodes = nodes.num_rows
    con.execute(_CANDIDATES).fetchall()
    con.execute(_PAIRS).fetchall()
    con.execute("DROP TABLE dedupe_candidates").fetchall()
    con.execute(_CROSS_PAIRS).fetchall()
    stats.pairs_considered = con.execute(_PAIR_COUNT).fetchall()[0][0]
    clock("block")

    pairs = con.sql("""
        SELECT p.a, p.b, p.verdict, p.evidence_ok, p.location_ok, p.location_overlap, p.same_instant, p.days_apart
        FROM dedupe_pairs p
        WHERE p.verdict IN (1, 2, 3)
        ORDER BY p.a, p.b  -- ties in strength are taken in this order: the same input makes the same leads
    """).to_arrow_table()
    stats.pairs_scored = pairs.num_rows
    # one processed title per node of a pair (nodes are numbered 0..n-1 in order), indexed by the pairs
    a, b = pairs["a"].to_numpy(), pairs["b"].to_numpy()
    node_titles = con.sql("SELECT title_norm FROM dedupe_nodes ORDER BY node").to_arrow_table()["title_norm"]
    used = sorted_distinct(np.concatenate([a, b]))
    titles = np.empty(len(node_titles), dtype=object)
    titles[used] = m.processed_titles(node_titles.take(used).to_pylist())
    scores = m.pair_title_similarity(titles, titles, a, b)
    del titles, node_titles
    verdict = pairs["verdict"].to_numpy()
    location_ok = pairs["location_ok"].to_numpy(zero_copy_only=False)
    instant = pairs["same_instant"].to_numpy(zero_copy_only=False)
    rule = m.decide(verdict, pairs["evidence_ok"].to_numpy(zero_copy_only=False), location_ok, instant, scores)
    keep = rule >= 0
    strength = np.where(rule == 0, 3.0, np.where(rule == 1, 2.0, m.edge_strength(
        scores, pairs["location_overlap"].to_numpy(zero_copy_only=False), instant,
        pairs["days_apart"].to_numpy(zero_copy_only=False))))
    order = np.argsort(-strength[keep], kind="stable")
    edge_a = pairs["a"].to_numpy()[keep][order].astype(np.int64)
    edge_b = pairs["b"].to_numpy()[keep][order].astype(np.int64)
    edge_rule = rule[keep][order]
    edge_score = np.where(edge_rule == 0, 1.0, np.where(edge_rule == 1, 0.99, scores[keep][order])).astype(np.float64)
    clock("score")
    stats.matches = len(edge_a)
    joined_by, roots, refused = cluster(nodes, edge_a, edge_b)
    stats.refused = refused
    clock("cluster")

    edges = pa.table({"edge": pa.array(np.arange(len(edge_a)), pa.int64()), "a": edge_a, "b": edge_b})
    with staged(con, "dedupe_edges", edges):
        new_leads = _write(con, nodes, joined_by, roots, edge_rule, edge_score, now)
    stats.new_leads = new_leads
    clock("write")
    for table in ("dedupe_pairs", "dedupe_nodes"):
        con.execute(f"DROP TABLE IF EXISTS {table}").fetchall()
    return new_leads


# What a lead may hold only one of: one year, one season, one level named in titles, one job id per ATS.
MARK_COLUMNS = ("title_years", "title_seasons", "title_level", "ats", "ats_job_id")


def cluster(nodes: pa.Table, edge_a: np.ndarray, edge_b: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Union-find over the edges in order; returns (per node: index of the edge that attached it or -1,
    per node: the root's representative after clustering, number of refused unions).

    A union is refused when it would put two different job ids of one ATS in a cluster (or two different
    years, seasons or levels named in titles), or two existing leads together (their ids must stay stable).

    Every old record starts under its lead's first record (`lead_root`, from SQL), and an existing lead's root
    never joins another root, so only the nodes the edges reach, and the records of their leads, are read in
    Python: a nightly fold's blocks hold a quarter of a million records, its edges a few thousand."""
    n = nodes.num_rows
    lead_root = nodes["lead_root"].to_numpy()
    parent = lead_root.tolist()  # a list: numpy scalars made every find() step several times slower
    is_new = nodes["is_new"].to_numpy(zero_copy_only=False)
    new = is_new.tolist()
    # the nodes the edges reach, and every record of an old lead they reach (masks: np.unique over a first
    # import's million nodes took 0.3 s a call)
    reached = np.zeros(n, dtype=bool)
    reached[edge_a] = True
    reached[edge_b] = True
    touched = np.zeros(n, dtype=bool)
    touched[lead_root[reached & ~is_new]] = True
    needed = np.flatnonzero(reached | (touched[lead_root] & ~is_new))
    # the marks' columns: of every node when the edges reach most of them (a first import), else of those reached
    position, columns = (None, nodes) if 4 * len(needed) > n else \
        (dict(zip(needed.tolist(), range(len(needed)))), nodes.take(needed))
    years, seasons, level, ats, job = (columns[column].to_pylist() for column in MARK_COLUMNS)
    records: dict[int, list[int]] = {}  # an edge's old lead -> its records, in node order (`needed` is sorted)
    for i in needed[~is_new[needed]].tolist():
        records.setdefault(parent[i], []).append(i)

    def marks(i: int) -> dict[str, str]:
        """A record's marks (written out: this runs for most of a million edges)."""
        p = i if position is None else position[i]
        found = {}
        if years[p]:
            found["title_years"] = years[p]
        if seasons[p]:
            found["title_seasons"] = seasons[p]
        if level[p]:
            found["title_level"] = level[p]
        if ats[p] and job[p]:
            found[ats[p]] = job[p]
        return found

    def lead_marks(root: int) -> dict[str, str]:
        """What an existing lead holds: its records' marks, in node order (a later record's win)."""
        found: dict[str, str] = {}
        for i in records[root]:
            found.update(marks(i))
        return found

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    # marks of merged clusters; a cluster never merged has its lead's or its own, computed when needed
    ids: dict[int, dict[str, str]] = {}
    joined_by = np.full(n, -1, dtype=np.int64)
    refused = 0
    for e, (a, b) in enumerate(zip(edge_a.tolist(), edge_b.tolist())):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        old_a, old_b = not new[ra], not new[rb]  # a root is an old record only as its lead's first
        if old_a and old_b:
            refused += 1
            continue
        ia = ids[ra] if ra in ids else (lead_marks(ra) if old_a else marks(ra))
        ib = ids[rb] if rb in ids else (lead_marks(rb) if old_b else marks(rb))
        if ia and ib and any(ib.get(k, v) != v for k, v in ia.items()):
            refused += 1
            continue
        if old_b or (not old_a and len(ib or ()) > len(ia or ())):
            ra, rb, a, b = rb, ra, b, a
        parent[rb] = ra
        ids[ra] = {**ia, **ib}
        ids.pop(rb, None)
        target = b if new[b] and joined_by[b] < 0 else a
        if new[target] and joined_by[target] < 0:
            joined_by[target] = e
    roots = lead_root.astype(np.int64)  # an old record stays under its lead's root, which never moves
    new_nodes = np.flatnonzero(is_new)
    roots[new_nodes] = np.fromiter((find(i) for i in new_nodes.tolist()), dtype=np.int64, count=len(new_nodes))
    return joined_by, roots, refused


def _write(con, nodes: pa.Table, joined_by: np.ndarray, roots: np.ndarray, edge_rule: np.ndarray,
           edge_score: np.ndarray, now: datetime) -> int:
    """Lead ids per cluster, then `lead_sources` rows and `postings.lead_id` for the new records."""
    rules = np.array([*m.RULES, m.RULE_FIRST],
                     dtype=object)
    attached = joined_by >= 0
    # a sentinel edge at the end stands for "no edge": the record started its lead
    rule_index = np.append(edge_rule, 4)[np.where(attached, joined_by, -1)]
    score = np.append(edge_score, 1.0)[np.where(attached, joined_by, -1)]
    assigned = pa.table({
        "node": nodes["node"], "root": pa.array(roots, pa.int32()),
        "rule": pa.array(rules[rule_index].tolist(), pa.string()),
        "score": pa.array(score, pa.float64()), "is_new": nodes["is_new"],
        "joined_edge": pa.array(np.where(attached, joined_by, -1)),
    })
    with staged(con, "dedupe_assigned", assigned):
        con.execute("""
            CREATE OR REPLACE TEMP TABLE dedupe_leads AS
            WITH members AS (
                SELECT d.root, n.node, n.posting_uid, n.lead_id, n.first_seen
                FROM dedupe_nodes n JOIN dedupe_assigned d USING (node)
            )
            SELECT root, coalesce(max(lead_id), 'L' || left(sha1(arg_min(posting_uid, (first_seen, posting_uid))), 11)) AS lead_id,
                   max(lead_id) IS NULL AS is_new_lead
            FROM members GROUP BY root
        """).fetchall()
        new_leads = con.execute(
            "SELECT count(*) FROM dedupe_leads WHERE is_new_lead"
        ).fetchall()[0][0]
        # a plain insert after removing stale rows: INSERT OR REPLACE is an upsert, slow at a million rows
        con.execute("""
            DELETE FROM lead_sources WHERE posting_uid IN (SELECT posting_uid FROM dedupe_nodes WHERE is_new)
        """).fetchall()
        con.execute(f"""
            INSERT INTO lead_sources
            SELECT l.lead_id, n.posting_uid, p.source, p.source_id, p.url, d.rule, d.score,
                   json_object('title', n.title_norm, 'company', n.cid, 'locations', n.location_norm,
                               'ats', n.ats, 'ats_job_id', n.ats_job_id, 'canonical_url', n.canonical_url,
                               'title_years', n.title_years, 'title_seasons', n.title_seasons,
                               'title_level', n.title_level, 'matched_with', w.posting_uid,
                               'days_apart', round(pr.days_apart, 1),
                               'why', CASE
                                   WHEN n.source = $referral AND pr.days_apart > $repost_days
                                   THEN 'a referral joins the posting it names at any age (' ||
                                        CAST(round(pr.days_apart) AS INTEGER) || ' days apart)'
                                   WHEN len(n.place_scope) > 0 AND list_has_any(n.place_scope, w.place_area)
                                   THEN {m.READABLE_SCOPE_SQL.format(scope="n.place_scope")}
                                        || ' holds the other record''s place'
                                   WHEN len(w.place_scope) > 0 AND list_has_any(w.place_scope, n.place_area)
                                   THEN 'its place lies in the other record''s ' ||
                                        {m.READABLE_SCOPE_SQL.format(scope="w.place_scope")}
                               END), $now
            FROM dedupe_assigned d
            JOIN dedupe_nodes n USING (node, is_new)
            JOIN dedupe_leads l ON l.root = d.root
            -- by row number (nothing writes postings since dedupe_chosen read it): a join on posting_uid read every
            -- record's id, 0.12 -> 0.05 s of a nightly fold of 10,000 into a million
            JOIN postings p ON p.rowid = n.row
            LEFT JOIN dedupe_edges e ON e.edge = d.joined_edge
            LEFT JOIN dedupe_nodes w ON w.node = CASE WHEN e.a = d.node THEN e.b ELSE e.a END
            LEFT JOIN dedupe_pairs pr ON pr.a = least(e.a, e.b) AND pr.b = greatest(e.a, e.b)
            WHERE d.is_new
        """, {"now": now, "referral": m.REFERRAL, "repost_days": m.REPOST_DAYS}).fetchall()
        con.execute("""
            UPDATE postings SET lead_id = ls.lead_id
            FROM lead_sources ls WHERE postings.posting_uid = ls.posting_uid AND postings.lead_id IS NULL
        """).fetchall()
    con.execute("DROP TABLE IF EXISTS dedupe_leads").fetchall()
    return new_leads


class _Clock:
    def __init__(self, stats: DedupeStats):
        import time

        self._time = time.perf_counter
        self.stats, self.last = stats, self._time()

    def __call__(self, stage: str) -> None:
        now = self._time()
        self.stats.seconds[stage] = round(now - self.last, 3)
        self.last = now
