/** The simulator's message ground truth against the warehouse, for message tests. */
import { expect } from 'vitest';
import type { SyncStack } from './sync-harness';

export const ALL = ['Alive', 'Deleted', 'Purged'] as Array<'Alive'>;

/** Extension types with a message store in the simulator; the others answer 403 MSG-314. */
export const MAILBOX_TYPES = ['User', 'DigitalUser', 'VirtualUser', 'FaxUser', 'FlexibleUser', 'Department', 'Voicemail'];

/** Extensions of the latest snapshot that have a message store in the simulator. */
export async function listedMailboxes(stack: SyncStack): Promise<number[]> {
  const { rows } = await stack.db.pool.query(
    `SELECT extension_id FROM ringcentral.extension_snapshot WHERE run_id = (SELECT run_id FROM ringcentral.snapshot WHERE stream = 'extensions' ORDER BY captured_at DESC LIMIT 1)
        AND type = ANY($1) ORDER BY extension_id`,
    [MAILBOX_TYPES],
  );
  return rows.map((r) => Number(r.extension_id));
}

/** How many extensions a run listed whose type has no message store. */
export async function withoutMailbox(stack: SyncStack, runIdPattern: string): Promise<number> {
  const { rows } = await stack.db.pool.query(
    `SELECT count(*)::int AS n FROM ringcentral.extension_snapshot WHERE run_id LIKE $1 AND NOT (type = ANY($2))`,
    [runIdPattern, MAILBOX_TYPES],
  );
  return rows[0].n;
}

/**
 * Every message of every listed mailbox created in [from, to) (default: now) equals the truth in the columns users query.
 * `purgedUnseenBefore`: a message purged before then may be absent (a message-store export leaves purged ones out).
 */
export async function expectMessagesEqualTruth(
  stack: SyncStack,
  from: number,
  except: number[] = [],
  { to = stack.sim.clock.now(), purgedUnseenBefore }: { to?: number; purgedUnseenBefore?: number } = {},
): Promise<number> {
  let compared = 0;
  for (const extensionId of (await listedMailboxes(stack)).filter((id) => !except.includes(id))) {
    const { rows } = await stack.db.pool.query(
      `SELECT id, availability, read_status, last_modified_time FROM ringcentral.message WHERE extension_id = $1 AND creation_time >= $2 AND creation_time < $3 ORDER BY id`,
      [extensionId, new Date(from).toISOString(), new Date(to).toISOString()],
    );
    const held = new Set(rows.map((r) => Number(r.id)));
    const unseen = (m: Record<string, unknown>) =>
      purgedUnseenBefore !== undefined && m.availability === 'Purged' && Date.parse(m.lastModifiedTime as string) < purgedUnseenBefore && !held.has(Number(m.id));
    const truth = stack.sim.truth.messages(extensionId, { from, to, availability: ALL }).filter((m) => !unseen(m));
    expect(rows.map((r) => r.id), `messages of ${extensionId}`).toEqual(truth.map((m) => Number(m.id)).sort((a, b) => a - b));
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const m of truth) {
      const row = byId.get(Number(m.id))!;
      // message-sync reports a purged message by id and availability only (as RingCentral does), so
      // a read between the last sync and the purge reaches no one who follows ISync: not compared.
      const purged = m.availability === 'Purged';
      expect({ availability: row.availability, readStatus: purged ? undefined : row.read_status, lastModified: row.last_modified_time.toISOString() }).toEqual({
        availability: m.availability,
        readStatus: purged ? undefined : m.readStatus,
        lastModified: new Date(m.lastModifiedTime as string).toISOString(),
      });
      compared++;
    }
  }
  return compared;
}
