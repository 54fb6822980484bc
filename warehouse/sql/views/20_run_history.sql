CREATE OR REPLACE VIEW run_history AS
SELECT run_id, kind, started_at, finished_at,
       date_diff('millisecond', started_at, finished_at) / 1000.0 AS seconds,
       status, sources_ok, sources_failed, postings_seen, new_leads, closed_leads, quarantined
FROM runs
ORDER BY started_at DESC;
