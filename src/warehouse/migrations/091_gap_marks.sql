-- A dirty mark from a push gap (the listener could have missed events: every subscribed mailbox
-- is marked) is a guess; a mark from an event is a known change. Micro-syncs read known changes
-- first, so a gap over a large account (one request per mailbox) never holds back fresh events.
ALTER TABLE ringcentral.mailbox_state ADD COLUMN dirty_by_gap boolean NOT NULL DEFAULT false;

COMMENT ON COLUMN ringcentral.mailbox_state.dirty_by_gap IS 'The dirty mark came from a push gap (events may have been missed), not from an event about this mailbox: read after the event marks.';
