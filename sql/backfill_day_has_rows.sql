-- Whether a day about to be backfilled holds any fact or bridge row yet (1 or 0). A day without
-- any needs no sweep after its load: under the run lock, only this run writes it, so nothing
-- it did not write can be there. Two primary-key probes (report_date leads both keys).
SELECT CASE WHEN EXISTS (SELECT 1 FROM server_facts WHERE report_date = ?)
              OR EXISTS (SELECT 1 FROM server_fact_roles WHERE report_date = ?)
            THEN 1 ELSE 0 END AS has_rows
