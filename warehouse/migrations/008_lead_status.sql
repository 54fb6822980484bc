-- The user's own pipeline: every status a lead was given, with its note and date (a history, not only the
-- latest). leads.user_status / user_note keep the latest for the lead JSON; these rows are the record.
CREATE SEQUENCE IF NOT EXISTS lead_status_seq;
CREATE TABLE IF NOT EXISTS lead_status_events (
    seq      BIGINT PRIMARY KEY DEFAULT nextval('lead_status_seq'),
    lead_id  VARCHAR NOT NULL,
    status   VARCHAR NOT NULL,   -- new | saved | applied | interviewing | offer | rejected | not_interested | archived
    note     VARCHAR,
    changed_at TIMESTAMPTZ NOT NULL,
    origin   VARCHAR NOT NULL    -- cli | dashboard | queued (set while a refresh held the database)
);
