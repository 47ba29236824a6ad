-- Core warehouse tables. Contract for users' SQL and dbt models: snake_case, timestamptz in UTC.
-- Every table carries account_id so several RingCentral accounts can share one warehouse.

-- Written by the `check` workflow: proves worker -> Temporal -> activity -> Postgres works.
CREATE TABLE ringcentral.health_check (
  id            bigserial PRIMARY KEY,
  workflow_id   text NOT NULL,
  worker        text NOT NULL,
  checked_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per sync or backfill run (the run id is the Temporal workflow id + run id).
CREATE TABLE ringcentral.sync_run (
  run_id        text PRIMARY KEY,
  account_id    text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('sync', 'backfill')),
  status        text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  counts        jsonb NOT NULL DEFAULT '{}'::jsonb,
  watermarks    jsonb NOT NULL DEFAULT '{}'::jsonb,
  error         text
);
CREATE INDEX sync_run_account_started ON ringcentral.sync_run (account_id, started_at DESC);

-- A snapshot of a list endpoint taken by one run. completed_at is set only when every page
-- arrived: the SCD2 merge treats an incomplete snapshot as unable to prove a deletion.
CREATE TABLE ringcentral.snapshot (
  run_id        text NOT NULL,
  account_id    text NOT NULL,
  stream        text NOT NULL CHECK (stream IN ('extensions', 'directory')),
  captured_at   timestamptz NOT NULL,
  completed_at  timestamptz,
  pages         integer NOT NULL DEFAULT 0,
  records       integer NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, stream)
);
CREATE INDEX snapshot_account_captured ON ringcentral.snapshot (account_id, stream, captured_at DESC);

CREATE TABLE ringcentral.extension_snapshot (
  run_id            text NOT NULL,
  account_id        text NOT NULL,
  extension_id      bigint NOT NULL,
  extension_number  text,
  name              text,
  first_name        text,
  last_name         text,
  email             text,
  department        text,
  job_title         text,
  type              text,
  sub_type          text,
  status            text,
  site_id           text,
  site_name         text,
  hidden            boolean,
  cost_center       text,
  creation_time     timestamptz,
  raw               jsonb NOT NULL,
  PRIMARY KEY (run_id, extension_id)
);

CREATE TABLE ringcentral.directory_entry_snapshot (
  run_id            text NOT NULL,
  account_id        text NOT NULL,
  entry_id          text NOT NULL,           -- the extension id for internal contacts
  extension_id      bigint,                  -- entry_id when it is numeric
  type              text,
  status            text,
  extension_number  text,
  name              text,
  first_name        text,
  last_name         text,
  email             text,
  department        text,
  job_title         text,
  site_id           text,
  site_name         text,
  hidden            boolean,
  phone_numbers     jsonb,
  raw               jsonb NOT NULL,
  PRIMARY KEY (run_id, entry_id)
);

CREATE TABLE ringcentral.call_log_record (
  account_id              text NOT NULL,
  id                      text NOT NULL,
  session_id              text,
  telephony_session_id    text,
  extension_id            bigint,           -- owner extension
  start_time              timestamptz NOT NULL,
  duration                integer,
  direction               text,
  type                    text,
  action                  text,
  result                  text,
  from_phone_number       text,
  from_extension_number   text,
  from_extension_id       bigint,
  from_name               text,
  to_phone_number         text,
  to_extension_number     text,
  to_extension_id         bigint,
  to_name                 text,
  last_modified_time      timestamptz,
  deleted                 boolean NOT NULL DEFAULT false,
  raw                     jsonb NOT NULL,
  first_synced_at         timestamptz NOT NULL DEFAULT now(),
  last_synced_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, id)
);
CREATE INDEX call_log_record_start ON ringcentral.call_log_record (account_id, start_time);
CREATE INDEX call_log_record_extension ON ringcentral.call_log_record (account_id, extension_id, start_time);

CREATE TABLE ringcentral.message (
  account_id          text NOT NULL,
  id                  bigint NOT NULL,
  extension_id        bigint NOT NULL,
  type                text,
  direction           text,
  creation_time       timestamptz,
  last_modified_time  timestamptz,
  availability        text,
  message_status      text,
  read_status         text,
  raw                 jsonb NOT NULL,
  first_synced_at     timestamptz NOT NULL DEFAULT now(),
  last_synced_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, id)
);
CREATE INDEX message_extension_created ON ringcentral.message (account_id, extension_id, creation_time);

-- Durable cursor per (account, stream, scope). scope: the run id for an extension-list or
-- directory snapshot, the extension id for a mailbox's message-sync token, 'id:from/to' for
-- a message-store window, 'from/to' for a call-log window (syncs and backfills alike).
CREATE TABLE ringcentral.checkpoint (
  account_id    text NOT NULL,
  stream        text NOT NULL,
  scope         text NOT NULL DEFAULT '',
  cursor        jsonb NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, stream, scope)
);
