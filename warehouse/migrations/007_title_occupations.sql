-- The occupation each distinct title names, so a night's rescore classifies only titles it has not seen.
-- Rows of other occupation tables or classifier rules (classifier_version) are dropped when those change.
CREATE TABLE IF NOT EXISTS title_occupations (
    title              VARCHAR PRIMARY KEY,
    classifier_version VARCHAR NOT NULL,
    occupation         JSON                       -- {code, label, isco, confidence}; NULL: no known occupation
);
