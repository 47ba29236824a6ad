-- The rate-limit ledger shared by every worker process of the deployment.
-- One row per (account, rate group): the send times inside the current rolling window and
-- the time before which nothing may be sent (after a 429, or when the server says the
-- budget is spent). Workers reserve a slot under a row lock before every request, so the
-- combined rate of all workers stays within the limit and nobody walks into a penalty.
CREATE TABLE ringcentral.rate_budget (
  account_id        text NOT NULL,
  rate_group        text NOT NULL,
  limit_per_window  integer NOT NULL CHECK (limit_per_window > 0),
  window_ms         integer NOT NULL CHECK (window_ms > 0),
  sent_at           timestamptz[] NOT NULL DEFAULT '{}',
  blocked_until     timestamptz NOT NULL DEFAULT '-infinity',
  -- Counters for operators and benchmarks.
  requests          bigint NOT NULL DEFAULT 0,
  rate_limited      bigint NOT NULL DEFAULT 0,
  waits             bigint NOT NULL DEFAULT 0,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, rate_group)
);
