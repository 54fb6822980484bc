"""`dedupe.cluster` reads only the nodes its edges reach; it must decide every union as a union-find over
every node would. The reference below is that plain union-find (as the function was before it was narrowed),
run against it on random blocks: old leads of several records, new records, marks that conflict."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from warehouse.dedupe import cluster

from warehouse.dedupe import MARK_COLUMNS


def reference_cluster(nodes: pa.Table, edge_a: np.ndarray, edge_b: np.ndarray):
    n = nodes.num_rows
    parent = list(range(n))
    lead_of = nodes["lead_id"].to_pylist()
    is_new = nodes["is_new"].to_pylist()
    years, seasons, level, ats, job = (nodes[c].to_pylist() for c in MARK_COLUMNS)

    def marks(i):
        found = {key: value for key, value in (("title_years", years[i]), ("title_seasons", seasons[i]),
                                               ("title_level", level[i])) if value}
        return {**found, ats[i]: job[i]} if ats[i] and job[i] else found

    ids, existing, first_root = {}, {}, {}
    for i in range(n):
        if lead_of[i] is not None:
            root = first_root.setdefault(lead_of[i], i)
            if root != i:
                parent[i] = root
                ids.setdefault(root, marks(root)).update(marks(i))
            existing[root] = lead_of[i]

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    joined_by, refused = np.full(n, -1, dtype=np.int64), 0
    for e, (a, b) in enumerate(zip(edge_a.tolist(), edge_b.tolist())):
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        if ra in existing and rb in existing:
            refused += 1
            continue
        ia = ids[ra] if ra in ids else marks(ra)
        ib = ids[rb] if rb in ids else marks(rb)
        if ia and ib and any(ib.get(k, v) != v for k, v in ia.items()):
            refused += 1
            continue
        if rb in existing or (ra not in existing and len(ib or ()) > len(ia or ())):
            ra, rb, a, b = rb, ra, b, a
        parent[rb] = ra
        ids[ra] = {**ia, **ib}
        ids.pop(rb, None)
        target = b if is_new[b] and joined_by[b] < 0 else a
        if is_new[target] and joined_by[target] < 0:
            joined_by[target] = e
    return joined_by, np.array([find(i) for i in range(n)], dtype=np.int64), refused


@st.composite
def blocks(draw):
    n = draw(st.integers(1, 40))
    leads = draw(st.lists(st.one_of(st.none(), st.sampled_from(["L1", "L2", "L3", "L4", "L5"])), min_size=n, max_size=n))
    small = st.one_of(st.none(), st.sampled_from(["", "a", "b"]))
    columns = {c: draw(st.lists(small, min_size=n, max_size=n)) for c in MARK_COLUMNS}
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda e: e[0] != e[1]),
                          max_size=3 * n))
    first: dict[str, int] = {}
    lead_root = [i if lead is None else first.setdefault(lead, i) for i, lead in enumerate(leads)]
    nodes = pa.table({"node": pa.array(range(n), pa.int32()), "lead_id": pa.array(leads, pa.string()),
                      "is_new": [lead is None for lead in leads], **{c: pa.array(v, pa.string()) for c, v in columns.items()},
                      "lead_root": pa.array(lead_root, pa.int32())})
    a = np.array([e[0] for e in edges], dtype=np.int64)
    b = np.array([e[1] for e in edges], dtype=np.int64)
    return nodes, a, b


@settings(max_examples=400, deadline=None)
@given(blocks())
def test_cluster_decides_every_union_as_a_union_find_over_every_node(block):
    nodes, a, b = block
    joined_by, roots, refused = cluster(nodes, a, b)
    ref_joined, ref_roots, ref_refused = reference_cluster(nodes, a, b)
    assert refused == ref_refused
    assert joined_by.tolist() == ref_joined.tolist()
    assert roots.tolist() == ref_roots.tolist()
