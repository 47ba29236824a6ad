-- Push notifications (one durable subscription per account): what the listener saw, and the
-- call-log work it left for a micro-sync. Ids, counts and times only: no names, numbers or text.
CREATE TABLE ringcentral.push_state (
  account_id        text PRIMARY KEY,
  status            text NOT NULL CHECK (status IN ('connecting', 'connected', 'off')),
  off_reason        text,
  connected_since   timestamptz,
  events_received   bigint NOT NULL DEFAULT 0,
  last_event_at     timestamptz,
  gaps              integer NOT NULL DEFAULT 0,
  last_gap_at       timestamptz,
  last_gap_reason   text,
  call_log_due_at   timestamptz,
  updated_at        timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE ringcentral.push_state IS 'Per account, the health of its push subscription and the call-log work its events left. Internal: drives micro-syncs and rcsync status.';
COMMENT ON COLUMN ringcentral.push_state.account_id IS 'Account key the subscription belongs to.';
COMMENT ON COLUMN ringcentral.push_state.status IS 'connecting, connected, or off (push unavailable; polling alone keeps the warehouse current).';
COMMENT ON COLUMN ringcentral.push_state.off_reason IS 'Why push is off (e.g. the WebSocket Subscriptions permission is missing); NULL otherwise.';
COMMENT ON COLUMN ringcentral.push_state.connected_since IS 'Database time the current subscription started receiving events.';
COMMENT ON COLUMN ringcentral.push_state.events_received IS 'Notifications received since the subscription was first started.';
COMMENT ON COLUMN ringcentral.push_state.last_event_at IS 'Database time the latest notification arrived.';
COMMENT ON COLUMN ringcentral.push_state.gaps IS 'Times events may have been missed (failed recovery, sequence gap, expired subscription, restart); each marked every mailbox dirty.';
COMMENT ON COLUMN ringcentral.push_state.last_gap_at IS 'Database time of the latest gap.';
COMMENT ON COLUMN ringcentral.push_state.last_gap_reason IS 'What the latest gap was (e.g. sequence gap, recovery failed).';
COMMENT ON COLUMN ringcentral.push_state.call_log_due_at IS 'Database time from which a micro-sync should read the call log''s changes (a call ended, plus the call log''s lag; or a gap); NULL when none is due.';
COMMENT ON COLUMN ringcentral.push_state.updated_at IS 'Database time of the row''s last change.';
