-- rex schema 3 (PostgreSQL): closed deals by when they closed, so that the won deals of the
-- forecast's periods and the reports' windows are one range, not every closed deal.
CREATE INDEX deals_status_closed ON deals (status, closed_at) WHERE closed_at IS NOT NULL;
