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
