-- The governor uses the whole budget (no fixed margin): each request holds a slot from its
-- reservation until one window after its answer arrived (the server admitted it in between),
-- and X-Rate-Limit-Remaining tells how many requests other clients of the same user+app
-- have in the server's window. sent_at stays the reservation log, so that workers of an
-- older version running during an upgrade still see every request.
ALTER TABLE ringcentral.rate_budget
  -- [reserved, busy until): busy until reservation + the longest request + a window while in flight.
  ADD COLUMN slots           tstzrange[] NOT NULL DEFAULT '{}',
  -- Others' requests seen in the server's window by the latest calibration, and when.
  ADD COLUMN foreign_used    integer NOT NULL DEFAULT 0 CHECK (foreign_used >= 0),
  ADD COLUMN foreign_seen_at timestamptz NOT NULL DEFAULT '-infinity';

COMMENT ON COLUMN ringcentral.rate_budget.slots IS 'Requests the server may still count, as [reserved, busy until): one window after the answer (unanswered: the longest request plus a window).';
COMMENT ON COLUMN ringcentral.rate_budget.foreign_used IS 'Requests of other clients of the same user+app in the server''s window, from X-Rate-Limit-Remaining.';
COMMENT ON COLUMN ringcentral.rate_budget.foreign_seen_at IS 'When foreign_used was last raised or renewed.';
