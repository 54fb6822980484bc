-- What each lead's score was computed from, besides the profile and the day (warehouse.scoring.SCORE_INPUTS_SQL):
-- a rescore within the day recomputes only the leads where it changed.
ALTER TABLE lead_scores ADD COLUMN IF NOT EXISTS inputs VARCHAR;
