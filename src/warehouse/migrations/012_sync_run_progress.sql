-- When a running sync last made progress. A sync whose workflow was terminated never says
-- it ended; another sync may take the account over once this is old enough. Progress, not
-- start time, so a long first sync of a large account is never mistaken for a dead one.
ALTER TABLE ringcentral.sync_run ADD COLUMN progress_at timestamptz;
UPDATE ringcentral.sync_run SET progress_at = coalesce(finished_at, started_at);
ALTER TABLE ringcentral.sync_run ALTER COLUMN progress_at SET DEFAULT now(), ALTER COLUMN progress_at SET NOT NULL;

-- A list snapshot counts as complete only when it holds at least as many records as the
-- API said it had (paging.totalElements): pages shift when extensions are deleted or added
-- between page requests, and a record that slid onto an already-fetched page would be
-- missing, and then wrongly closed as deleted by the SCD2 merge. A short snapshot is paged
-- again from page 1 (passes), a few times at most; if it still falls short it stays
-- incomplete, which the merge never turns into deletions.
ALTER TABLE ringcentral.snapshot ADD COLUMN expected_records integer, ADD COLUMN passes integer NOT NULL DEFAULT 1;
