/** Which mailboxes a run reads, and how far back each one's message-sync frame must reach. */
import type { Db } from './db';
import { latestCompleteSnapshot } from './snapshots';

/** Extension ids of a run's snapshot after `afterId`, but for the excluded types and statuses, in id order; `limit` of them (all when unset). */
export async function snapshotMailboxes(
  db: Db,
  q: { runId: string; afterId: number; limit?: number; excludeTypes: string[]; excludeStatuses: string[] },
): Promise<number[]> {
  const { rows } = await db.query<{ extension_id: number }>(
    `SELECT extension_id FROM ringcentral.extension_snapshot
      WHERE run_id = $1 AND extension_id > $2
        AND coalesce(type <> ALL($3), true) AND coalesce(status <> ALL($4), true)
      ORDER BY extension_id LIMIT $5`,
    [q.runId, q.afterId, q.excludeTypes, q.excludeStatuses, q.limit ?? null],
  );
  return rows.map((r) => r.extension_id);
}

/** How many mailboxes of a run's snapshot are read, but for the excluded types and statuses. */
export async function countSnapshotMailboxes(db: Db, q: { runId: string; excludeTypes: string[]; excludeStatuses: string[] }): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ringcentral.extension_snapshot
      WHERE run_id = $1 AND coalesce(type <> ALL($2), true) AND coalesce(status <> ALL($3), true)`,
    [q.runId, q.excludeTypes, q.excludeStatuses],
  );
  return rows[0]?.n ?? 0;
}

/** Creation time of the mailbox's oldest message the warehouse synced within the last `days` days. */
export async function oldestFollowedMessage(db: Db, m: { accountId: string; extensionId: number; days: number }): Promise<Date | undefined> {
  const { rows } = await db.query<{ oldest: Date | null }>(
    `SELECT min(creation_time) AS oldest FROM ringcentral.message
      WHERE account_id = $1 AND extension_id = $2 AND last_synced_at >= now() - make_interval(days => $3)`,
    [m.accountId, m.extensionId, m.days],
  );
  return rows[0]?.oldest ?? undefined;
}

/** The listed mailboxes (but the excluded types and statuses) of the account's latest complete extension snapshot; none before the first. */
export async function latestMailboxes(db: Db, q: { accountId: string; excludeTypes: string[]; excludeStatuses: string[] }): Promise<number[]> {
  const latest = await latestCompleteSnapshot(db, q.accountId, 'extensions');
  return latest ? snapshotMailboxes(db, { runId: latest.runId, afterId: 0, excludeTypes: q.excludeTypes, excludeStatuses: q.excludeStatuses }) : [];
}
