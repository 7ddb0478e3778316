-- The KPI report, computed in D1 (window functions: the without-reset merge, medians) and kept
-- for a minute so that a team looking at it together, or a reload, costs one read. `computing_until`
-- is a lease: one request computes a stale report while the others wait for its result.
CREATE TABLE kpi_reports (
  days            INTEGER PRIMARY KEY,
  report          TEXT,             -- the rows as JSON (core::kpi::KpiSqlRow)
  from_at         INTEGER,
  to_at           INTEGER,
  computed_at     INTEGER NOT NULL DEFAULT 0, -- when its computation started, unix ms
  computing_until INTEGER NOT NULL DEFAULT 0  -- unix ms
);

-- The KPI read: conversations opened in a period, with the columns it needs, without a table lookup.
CREATE INDEX conversations_kpi ON conversations (opened_at, phone_number_id, wa_id, visitor_id, closed_at, close_reason, first_response_at, id);
