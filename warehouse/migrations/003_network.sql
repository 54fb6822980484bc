-- The network: which contact offered which referral, and contacts linked to leads.

-- A referral posting (source 'referral') and the contact who offered it; kept apart from the
-- posting so renaming the contact keeps the link.
CREATE TABLE IF NOT EXISTS referral_contacts (
    posting_uid  VARCHAR PRIMARY KEY,
    contact_id   VARCHAR NOT NULL,
    logged_at    TIMESTAMPTZ NOT NULL
);

-- Rebuilt by warehouse.network.link_contacts after every change to leads or contacts.
-- warmth: 0..1, the strength of the tie decayed by the time since the last touch (scoring reads it).
CREATE TABLE IF NOT EXISTS lead_contacts (
    lead_id       VARCHAR NOT NULL,
    contact_id    VARCHAR NOT NULL,
    name          VARCHAR NOT NULL,
    position      VARCHAR,
    strength      VARCHAR NOT NULL,
    strength_rank INTEGER NOT NULL,            -- close = 3, known = 2, weak = 1
    warmth        DOUBLE NOT NULL,
    is_referral   BOOLEAN NOT NULL
);
