-- Every record of every lead: when most leads were touched (a first import, a refresh that sees every
-- listing again), finding the few that cannot share a touched lead's key costs more than reading them all.
CREATE OR REPLACE TEMP VIEW repost_scope AS
SELECT * FROM postings WHERE lead_id IS NOT NULL;
