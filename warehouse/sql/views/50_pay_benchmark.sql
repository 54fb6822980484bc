-- Annual pay of open leads that quote it: one point per lead (the midpoint of its range), and the
-- distribution by currency. `leads pay` filters the points by title first.
CREATE OR REPLACE VIEW pay_points AS
SELECT lead_id, title, company, salary_currency AS currency, salary_min, salary_max,
       CASE WHEN salary_min IS NOT NULL AND salary_max IS NOT NULL THEN (salary_min + salary_max) / 2
            ELSE coalesce(salary_min, salary_max) END AS annual_pay
FROM leads
WHERE status = 'open' AND salary_currency IS NOT NULL
  AND coalesce(salary_min, salary_max) IS NOT NULL AND coalesce(salary_min, salary_max) > 0;

CREATE OR REPLACE VIEW pay_benchmark AS
SELECT currency, count(*) AS leads,
       quantile_cont(annual_pay, 0.25) AS p25,
       quantile_cont(annual_pay, 0.5) AS median,
       quantile_cont(annual_pay, 0.75) AS p75
FROM pay_points
GROUP BY currency
ORDER BY leads DESC, currency;
