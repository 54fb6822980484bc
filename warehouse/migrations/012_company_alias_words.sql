-- The words the company resolver reads from each stored alias (its signature and its words without legal
-- suffixes: warehouse/company_names.py), kept so that loading the resolver does not read 165k aliases word
-- by word on every run (0.5 s of a nightly fold at a million postings). Derived from `alias` alone, for one
-- `ALIAS_WORDS_VERSION` of those rules: rows of another version are not read, and missing ones are filled
-- in when the resolver loads. No PRIMARY KEY: written by anti-join (see 011 on what a key costs).
CREATE TABLE IF NOT EXISTS company_alias_words (
    alias      VARCHAR NOT NULL,
    version    INTEGER NOT NULL,
    signature  VARCHAR NOT NULL,
    spelled    VARCHAR NOT NULL
);
