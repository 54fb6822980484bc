-- One row per run, newest first: what `leads runs` lists and the dashboard's pipeline health reads.
CREATE OR REPLACE VIEW run_history AS
SELECT r.run_id, r.kind, r.started_at, r.finished_at,
       date_diff('millisecond', r.started_at, r.finished_at) / 1000.0 AS seconds,
       r.status, r.sources_ok, r.sources_failed, r.postings_seen, r.new_leads, r.closed_leads, r.quarantined,
       TRY_CAST(json_extract_string(r.summary, '$.open_leads') AS INTEGER) AS open_leads,
       coalesce(f.failed_sources, []::VARCHAR[]) AS failed_sources
FROM runs r
LEFT JOIN (
    SELECT run_id,
           list(CASE WHEN coalesce(source_key, '') = '' THEN source ELSE source || ':' || source_key END
                ORDER BY source, source_key) AS failed_sources
    FROM run_sources
    WHERE status = 'failed'
    GROUP BY run_id
) f USING (run_id)
ORDER BY r.started_at DESC;
