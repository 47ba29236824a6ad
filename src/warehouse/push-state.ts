/**
 * Push health and the work push events leave behind (migration 090). Every time is the
 * database's clock, like the governor's. Ids, counts and times only.
 */
import { inTransaction, type Db, type Pool } from './db';
import { markMailboxesDirty } from './mailbox-state';

export interface PushState {
  status: 'connecting' | 'connected' | 'off';
  offReason?: string;
  connectedSince?: Date;
  eventsReceived: number;
  lastEventAt?: Date;
  gaps: number;
  lastGapAt?: Date;
  lastGapReason?: string;
  /** Dirty mailboxes of the account not read since their mark. */
  dirtyMailboxes: number;
  callLogDueAt?: Date;
}

async function upsert(db: Db, accountId: string, set: string, params: unknown[] = []): Promise<void> {
  await db.query(
    `INSERT INTO ringcentral.push_state AS p (account_id, status) VALUES ($1, 'connecting')
     ON CONFLICT (account_id) DO NOTHING`,
    [accountId],
  );
  await db.query(`UPDATE ringcentral.push_state AS p SET ${set}, updated_at = now() WHERE account_id = $1`, [accountId, ...params]);
}

export const recordConnecting = (db: Db, accountId: string) => upsert(db, accountId, `status = 'connecting', off_reason = NULL`);

export const recordConnected = (db: Db, accountId: string) =>
  upsert(db, accountId, `status = 'connected', off_reason = NULL, connected_since = CASE WHEN p.status = 'connected' THEN p.connected_since ELSE now() END`);

/** The listener is alive: a connected row not touched for ALIVE_WITHIN no longer counts as watching. */
export const recordAlive = (db: Db, accountId: string) =>
  db.query(`UPDATE ringcentral.push_state SET updated_at = now() WHERE account_id = $1 AND status = 'connected'`, [accountId]).then(() => undefined);

const ALIVE_WITHIN = '2 minutes';

/** Push is watching the account now: its events mark changed mailboxes dirty (a dead worker's row goes stale, not "connected" for ever). */
export async function pushWatching(db: Db, accountId: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM ringcentral.push_state WHERE account_id = $1 AND status = 'connected' AND updated_at > now() - interval '${ALIVE_WITHIN}'`,
    [accountId],
  );
  return rows.length > 0;
}

export const recordOff = (db: Db, accountId: string, reason: string) => upsert(db, accountId, `status = 'off', off_reason = $2, connected_since = NULL`, [reason]);

/** A batch of events: their mailboxes are dirty, and an ended call makes the call log due once its record can be there. */
export async function recordEvents(pool: Pool, accountId: string, e: { count: number; mailboxes: number[]; callEnded: boolean; callLogDueAfterMs: number }): Promise<void> {
  await inTransaction(pool, async (tx) => {
    if (e.mailboxes.length) await markMailboxesDirty(tx, accountId, e.mailboxes);
    await upsert(
      tx,
      accountId,
      `events_received = p.events_received + $2, last_event_at = now(),
       call_log_due_at = CASE WHEN $3 THEN least(p.call_log_due_at, now() + make_interval(secs => $4::float8 / 1000)) ELSE p.call_log_due_at END`,
      [e.count, e.callEnded, e.callLogDueAfterMs],
    );
  });
}

/** Events may have been missed: every subscribed mailbox is dirty and the call log is due now. */
export async function recordGap(pool: Pool, accountId: string, reason: string, mailboxes: number[]): Promise<void> {
  await inTransaction(pool, async (tx) => {
    await markMailboxesDirty(tx, accountId, mailboxes, { byGap: true });
    await upsert(tx, accountId, `gaps = p.gaps + 1, last_gap_at = now(), last_gap_reason = $2, call_log_due_at = least(p.call_log_due_at, now())`, [reason]);
  });
}

/** Whether a micro-sync has work: dirty mailboxes, or a call log that is due. */
export async function pushWork(db: Db, accountId: string): Promise<{ dirtyMailboxes: number; callLogDue: boolean }> {
  const { rows } = await db.query<{ dirty: number; due: boolean }>(
    `SELECT (SELECT count(*)::int FROM ringcentral.mailbox_state WHERE account_id = $1 AND dirty_at IS NOT NULL) AS dirty,
            coalesce((SELECT call_log_due_at <= now() FROM ringcentral.push_state WHERE account_id = $1), false) AS due`,
    [accountId],
  );
  return { dirtyMailboxes: rows[0]!.dirty, callLogDue: rows[0]!.due };
}

/**
 * Takes the due call log (clears the mark) and says whether it was due. A micro-sync that then
 * fails loses nothing: call-log-sync's token keeps every change for the next sync.
 */
export async function takeCallLogDue(db: Db, accountId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE ringcentral.push_state SET call_log_due_at = NULL, updated_at = now() WHERE account_id = $1 AND call_log_due_at <= now()`,
    [accountId],
  );
  return (rowCount ?? 0) > 0;
}

export async function readPushState(db: Db, accountId: string): Promise<PushState | undefined> {
  const { rows } = await db.query(
    `SELECT p.*, (SELECT count(*)::int FROM ringcentral.mailbox_state m WHERE m.account_id = p.account_id AND m.dirty_at IS NOT NULL) AS dirty
       FROM ringcentral.push_state p WHERE account_id = $1`,
    [accountId],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    status: r.status,
    offReason: r.off_reason ?? undefined,
    connectedSince: r.connected_since ?? undefined,
    eventsReceived: Number(r.events_received),
    lastEventAt: r.last_event_at ?? undefined,
    gaps: r.gaps,
    lastGapAt: r.last_gap_at ?? undefined,
    lastGapReason: r.last_gap_reason ?? undefined,
    dirtyMailboxes: r.dirty,
    callLogDueAt: r.call_log_due_at ?? undefined,
  };
}
