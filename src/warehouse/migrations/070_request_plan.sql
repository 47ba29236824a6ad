-- Plan against actual: every run computes its request plan per rate group before it sends
-- anything (src/plan/), and the governor counts each request it grants to the run whose
-- activity sent it, so a run's row can show both.
ALTER TABLE ringcentral.sync_run ADD COLUMN plan jsonb;

CREATE TABLE ringcentral.run_request (
  run_id      text NOT NULL,
  rate_group  text NOT NULL,
  requests    integer NOT NULL DEFAULT 0 CHECK (requests >= 0),
  PRIMARY KEY (run_id, rate_group)
);

-- Each granted request finds its run among the account's running ones: few rows, whatever the history.
CREATE INDEX sync_run_running ON ringcentral.sync_run (account_id) WHERE status = 'running';

COMMENT ON COLUMN ringcentral.sync_run.plan IS 'The run''s request plan: requests per rate group, predicted duration at the learnt limits, the steps and which numbers are estimates (JSON object); NULL for runs from before plans.';
COMMENT ON TABLE ringcentral.run_request IS 'Requests each run really sent to RingCentral, per rate group (slots the rate governor granted to its activities). Internal: plan against actual.';
COMMENT ON COLUMN ringcentral.run_request.run_id IS 'The run (sync_run.run_id) whose activity sent the requests.';
COMMENT ON COLUMN ringcentral.run_request.rate_group IS 'RingCentral rate group the requests were budgeted in (Light, Medium, Heavy, Auth).';
COMMENT ON COLUMN ringcentral.run_request.requests IS 'How many requests the run sent in that group.';
