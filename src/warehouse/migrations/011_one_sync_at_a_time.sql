-- At most one running sync per account, whoever started it (schedule, CLI, UI): the
-- database refuses a second 'running' row, so overlapping syncs cannot both proceed.
-- Backfills are not limited here; they share the rate budget through rate_budget instead.
CREATE UNIQUE INDEX sync_run_one_running_sync ON ringcentral.sync_run (account_id) WHERE kind = 'sync' AND status = 'running';
