/**
 * Per-mailbox state for choosing which message stores a sync reads (migration 060): dirty
 * marks (set by push), the last reconciliation and whether it brought changes, and each
 * sync's selection.
 */
import type { Db } from './db';

export interface MailboxRow {
  extensionId: number;
  hasToken: boolean;
  dirty: boolean;
  /** Epoch ms of the dirty mark (the database's clock). */
  dirtyAt?: number;
  /** The mark came from a push gap, not from an event about this mailbox. */
  dirtyByGap?: boolean;
  active: boolean;
  reconciledAt?: number;
}

/**
 * Marks mailboxes as changed, so the next sync reads them early (the push consumer's entry
 * point); the latest mark counts. `byGap`: events may have been missed, nothing is known of
 * these mailboxes; such a mark never replaces an event's, and an event's replaces it.
 */
export async function markMailboxesDirty(db: Db, accountId: string, extensionIds: number[], o: { byGap?: boolean } = {}): Promise<void> {
  const byGap = o.byGap ?? false;
  await db.query(
    `INSERT INTO ringcentral.mailbox_state AS m (account_id, extension_id, dirty_at, dirty_by_gap)
     SELECT $1, unnest($2::bigint[]), now(), $3
     ON CONFLICT (account_id, extension_id) DO UPDATE SET dirty_at = EXCLUDED.dirty_at, dirty_by_gap = EXCLUDED.dirty_by_gap
      WHERE NOT $3 OR m.dirty_at IS NULL OR m.dirty_by_gap`,
    [accountId, extensionIds, byGap],
  );
}

/**
 * Dirty marks of mailboxes a complete snapshot no longer lists (deleted, or excluded) can never
 * be read: dropped, so they do not keep asking for micro-syncs. Only marks set before that
 * snapshot completed: a later one may be an extension created since, which the next snapshot lists.
 */
export async function dropUnlistedDirtyMarks(db: Db, accountId: string, listed: number[], snapshotCompletedAt: Date): Promise<void> {
  await db.query(
    `UPDATE ringcentral.mailbox_state SET dirty_at = NULL
      WHERE account_id = $1 AND dirty_at < $3 AND NOT (extension_id = ANY($2::bigint[]))`,
    [accountId, listed, snapshotCompletedAt],
  );
}

/**
 * The run's listed mailboxes (but the excluded types and statuses) with what the warehouse knows
 * of each, without a request: active when its last sync brought changes, or when the call log
 * shows a voicemail of the extension since its last reconciliation (a new message waits).
 */
export async function mailboxCandidates(
  db: Db,
  q: { runId: string; accountId: string; excludeTypes: string[]; excludeStatuses: string[] },
): Promise<MailboxRow[]> {
  const { rows } = await db.query<{ extension_id: string; has_token: boolean; dirty: boolean; dirty_ms: number | null; by_gap: boolean | null; active: boolean; reconciled_ms: number | null }>(
    `SELECT s.extension_id, coalesce(c.cursor ? 'syncToken' AND c.cursor ? 'frameFrom', false) AS has_token,
            m.dirty_at IS NOT NULL AS dirty, (extract(epoch FROM m.dirty_at) * 1000)::float8 AS dirty_ms, m.dirty_by_gap AS by_gap,
            coalesce(m.changed, false) OR EXISTS (
              SELECT 1 FROM ringcentral.call_log_record l
               WHERE l.account_id = $2 AND l.extension_id = s.extension_id AND l.result = 'Voicemail'
                 AND l.start_time > coalesce(m.reconciled_at, '-infinity')) AS active,
            (extract(epoch FROM m.reconciled_at) * 1000)::float8 AS reconciled_ms
       FROM ringcentral.extension_snapshot s
       LEFT JOIN ringcentral.mailbox_state m ON m.account_id = $2 AND m.extension_id = s.extension_id
       LEFT JOIN ringcentral.checkpoint c ON c.account_id = $2 AND c.stream = 'messages' AND c.scope = s.extension_id::text
      WHERE s.run_id = $1 AND coalesce(s.type <> ALL($3), true) AND coalesce(s.status <> ALL($4), true)`,
    [q.runId, q.accountId, q.excludeTypes, q.excludeStatuses],
  );
  return rows.map((r) => ({
    extensionId: Number(r.extension_id),
    hasToken: r.has_token,
    dirty: r.dirty,
    dirtyAt: r.dirty_ms ?? undefined,
    ...(r.dirty && r.by_gap ? { dirtyByGap: true } : {}),
    active: r.active,
    reconciledAt: r.reconciled_ms ?? undefined,
  }));
}

/** Stores a sync's selection (idempotent: a retried plan writes the same rows). */
export async function saveSelection(db: Db, runId: string, picks: Array<{ extensionId: number; reason: string }>): Promise<void> {
  await db.query(
    `INSERT INTO ringcentral.message_sync_selection (run_id, extension_id, reason)
     SELECT $1, unnest($2::bigint[]), unnest($3::text[]) ON CONFLICT DO NOTHING`,
    [runId, picks.map((p) => p.extensionId), picks.map((p) => p.reason)],
  );
}

/** The selected mailboxes of a run after `afterId`, in id order. */
export async function selectedMailboxes(db: Db, q: { runId: string; afterId: number; limit: number }): Promise<number[]> {
  const { rows } = await db.query<{ extension_id: string }>(
    `SELECT extension_id FROM ringcentral.message_sync_selection WHERE run_id = $1 AND extension_id > $2 ORDER BY extension_id LIMIT $3`,
    [q.runId, q.afterId, q.limit],
  );
  return rows.map((r) => Number(r.extension_id));
}

/** The dirty mark as a sync finds it before reading the mailbox. */
export async function dirtyMark(db: Db, accountId: string, extensionId: number): Promise<Date | undefined> {
  const { rows } = await db.query<{ dirty_at: Date | null }>(`SELECT dirty_at FROM ringcentral.mailbox_state WHERE account_id = $1 AND extension_id = $2`, [
    accountId,
    extensionId,
  ]);
  return rows[0]?.dirty_at ?? undefined;
}

/**
 * The mailbox was read up to `asOf` (server time). Clears the dirty mark only if it is the one
 * seen before reading: a mark set while the mailbox was being read stays for the next sync.
 */
export async function recordReconciled(db: Db, m: { accountId: string; extensionId: number; asOf: string; changed: boolean; dirtySeen?: Date }): Promise<void> {
  await db.query(
    `INSERT INTO ringcentral.mailbox_state (account_id, extension_id, reconciled_at, changed) VALUES ($1, $2, $3, $4)
     ON CONFLICT (account_id, extension_id) DO UPDATE SET reconciled_at = EXCLUDED.reconciled_at, changed = EXCLUDED.changed,
       dirty_at = CASE WHEN date_trunc('milliseconds', mailbox_state.dirty_at) <= $5::timestamptz THEN NULL ELSE mailbox_state.dirty_at END`,
    [m.accountId, m.extensionId, m.asOf, m.changed, m.dirtySeen ?? null],
  );
}

/** The mailbox's extension is gone: the mark seen before the read can never be read, so it is cleared (a later one stays). */
export async function clearDirtyMark(db: Db, m: { accountId: string; extensionId: number; dirtySeen?: Date }): Promise<void> {
  if (!m.dirtySeen) return;
  await db.query(
    `UPDATE ringcentral.mailbox_state SET dirty_at = NULL WHERE account_id = $1 AND extension_id = $2 AND date_trunc('milliseconds', dirty_at) <= $3::timestamptz`,
    [m.accountId, m.extensionId, m.dirtySeen],
  );
}

/** The Light limit the governor learnt for the account (its default until a response told it). */
export async function learntLightLimit(db: Db, accountId: string): Promise<{ limit: number; windowMs: number } | undefined> {
  const { rows } = await db.query<{ limit_per_window: number; window_ms: number }>(
    `SELECT limit_per_window, window_ms FROM ringcentral.rate_budget WHERE account_id = $1 AND rate_group = 'Light'`,
    [accountId],
  );
  return rows[0] ? { limit: rows[0].limit_per_window, windowMs: rows[0].window_ms } : undefined;
}
