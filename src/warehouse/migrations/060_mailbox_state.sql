-- What the warehouse knows about each mailbox without asking RingCentral, so a sync can choose
-- which message stores to read within its share of the Light budget:
--   dirty_at           set by whoever learns that the mailbox changed (push notifications),
--                      cleared when a sync reads the mailbox after that mark;
--   reconciled_at      the server time of the mailbox's last successful message sync (an ISync
--                      brings every change inside its frame, so the mailbox is then up to date);
--   changed            whether that sync brought any record: a recently active mailbox.
CREATE TABLE ringcentral.mailbox_state (
  account_id     text NOT NULL,
  extension_id   bigint NOT NULL,
  dirty_at       timestamptz,
  reconciled_at  timestamptz,
  changed        boolean NOT NULL DEFAULT false,
  PRIMARY KEY (account_id, extension_id)
);

-- The mailboxes one sync chose to read, and why: the message fan-out pages through these
-- instead of the whole extension snapshot.
CREATE TABLE ringcentral.message_sync_selection (
  run_id        text NOT NULL,
  extension_id  bigint NOT NULL,
  reason        text NOT NULL CHECK (reason IN ('due', 'dirty', 'active', 'oldest')),
  PRIMARY KEY (run_id, extension_id)
);

COMMENT ON TABLE ringcentral.mailbox_state IS 'Per mailbox, what the warehouse knows without asking RingCentral: dirty marks, last reconciliation, recent activity. Internal: drives which message stores a sync reads within its Light budget.';
COMMENT ON COLUMN ringcentral.mailbox_state.account_id IS 'Account key the mailbox belongs to.';
COMMENT ON COLUMN ringcentral.mailbox_state.extension_id IS 'RingCentral extension id of the mailbox.';
COMMENT ON COLUMN ringcentral.mailbox_state.dirty_at IS 'When something (push) reported a change not yet read; NULL when clean.';
COMMENT ON COLUMN ringcentral.mailbox_state.reconciled_at IS 'Server time of the mailbox''s last successful message sync.';
COMMENT ON COLUMN ringcentral.mailbox_state.changed IS 'Whether that last sync brought any record (a recently active mailbox).';
COMMENT ON TABLE ringcentral.message_sync_selection IS 'The mailboxes one sync chose to read, and why. Internal: the message fan-out pages through it.';
COMMENT ON COLUMN ringcentral.message_sync_selection.run_id IS 'The sync run (sync_run.run_id) that chose the mailbox.';
COMMENT ON COLUMN ringcentral.message_sync_selection.extension_id IS 'RingCentral extension id of the chosen mailbox.';
COMMENT ON COLUMN ringcentral.message_sync_selection.reason IS 'Why it was chosen: due (reconciliation period), dirty, active, or oldest.';
