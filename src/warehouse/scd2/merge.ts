/**
 * mergeExtensionDimension: folds one sync run's extension + directory snapshots into the SCD2
 * dimension ringcentral.dim_extension. The final activity of every sync calls it.
 *
 * One transaction, serialized per account by an advisory lock, all set-based SQL (merge-sql.ts).
 * Idempotent per run (a merged run is recorded and merging it again changes nothing); refuses
 * a snapshot not newer than the last merged one, and an incomplete extension snapshot unless
 * `allowIncomplete` (then it only adds/updates, never deletes). Semantics: docs/dimension.md.
 */
import { inTransaction, type Pool, type PoolClient } from '../db';
import * as sql from './merge-sql';

export interface MergeExtensionDimensionInput {
  accountId: string;
  runId: string;
  /**
   * Merge an extension snapshot whose completed_at is NULL (not every page arrived). Its
   * extensions are added/updated; nothing is closed or tombstoned for being absent.
   */
  allowIncomplete?: boolean;
}

/** Counts only. inserted: new live versions; closed: versions ended; deleted: tombstones opened. */
export interface MergeExtensionDimensionResult {
  inserted: number;
  closed: number;
  deleted: number;
  unchanged: number;
  /** The run had been merged before: nothing changed, the counts are those of that merge. */
  alreadyMerged: boolean;
}

export type MergeRefusalReason = 'no-snapshot' | 'account-mismatch' | 'incomplete-snapshot' | 'older-snapshot' | 'empty-snapshot';

/** The merge refused to run; retrying will not help (for Temporal: non-retryable). */
export class DimensionMergeRefused extends Error {
  override readonly name = 'DimensionMergeRefused';
  constructor(
    readonly reason: MergeRefusalReason,
    message: string,
  ) {
    super(message);
  }
}

interface SnapshotRow {
  stream: 'extensions' | 'directory';
  account_id: string;
  captured_at: string;
  complete: boolean;
}

export async function mergeExtensionDimension(
  pool: Pool,
  input: MergeExtensionDimensionInput,
): Promise<MergeExtensionDimensionResult> {
  return inTransaction(pool, (client) => mergeInTransaction(client, input));
}

async function mergeInTransaction(client: PoolClient, input: MergeExtensionDimensionInput): Promise<MergeExtensionDimensionResult> {
  const { accountId, runId } = input;
  await client.query(sql.LOCK, [accountId]);

  const merged = await client.query(sql.ALREADY_MERGED, [runId]);
  if (merged.rows.length > 0) {
    const m = merged.rows[0];
    if (m.account_id !== accountId) {
      throw new DimensionMergeRefused('account-mismatch', `Run ${runId} was merged for account ${m.account_id}, not ${accountId}.`);
    }
    return { inserted: m.inserted, closed: m.closed, deleted: m.deleted, unchanged: m.unchanged, alreadyMerged: true };
  }

  const snapshots = (await client.query<SnapshotRow>(sql.SNAPSHOTS, [runId])).rows;
  const extensions = snapshots.find((s) => s.stream === 'extensions');
  const directory = snapshots.find((s) => s.stream === 'directory' && s.account_id === accountId);
  if (!extensions) {
    throw new DimensionMergeRefused('no-snapshot', `Run ${runId} has no extensions snapshot to merge.`);
  }
  if (extensions.account_id !== accountId) {
    throw new DimensionMergeRefused('account-mismatch', `Run ${runId} snapshot belongs to account ${extensions.account_id}, not ${accountId}.`);
  }
  if (!extensions.complete && !input.allowIncomplete) {
    throw new DimensionMergeRefused(
      'incomplete-snapshot',
      `Extensions snapshot of run ${runId} (captured ${extensions.captured_at}) is incomplete: ` +
        'refusing to merge it (it cannot prove deletions); pass allowIncomplete to merge its rows without deleting anything.',
    );
  }
  const last = (await client.query(sql.LAST_MERGED, [accountId, extensions.captured_at])).rows[0];
  if (last?.not_older) {
    throw new DimensionMergeRefused(
      'older-snapshot',
      `Extensions snapshot of run ${runId} was captured at ${extensions.captured_at}, not after the last merged ` +
        `snapshot (run ${last.run_id}, captured at ${last.captured_at}) of account ${accountId}: ` +
        'snapshots must be merged in capture order, history is not rewritten.',
    );
  }

  const directoryComplete = directory?.complete ?? false;
  const params = [accountId, runId, extensions.captured_at];
  await client.query(sql.CREATE_STAGE);
  const staged = (await client.query(sql.FILL_STAGE, [accountId, runId, directoryComplete])).rowCount ?? 0;
  if (staged === 0 && extensions.complete) {
    // Every RingCentral account has at least its main user: an empty list is an upstream fault
    // (scope, filter, API), and merging it would tombstone every extension at once.
    throw new DimensionMergeRefused(
      'empty-snapshot',
      `Extensions snapshot of run ${runId} (captured ${extensions.captured_at}) is complete but has no extensions of account ${accountId}: refusing to delete them all.`,
    );
  }
  await client.query(sql.ANALYZE_STAGE);
  const closedChanged = (await client.query(sql.CLOSE_CHANGED, params)).rowCount ?? 0;
  const deleted = extensions.complete ? ((await client.query(sql.CLOSE_VANISHED, params)).rowCount ?? 0) : 0;
  // After the closes: the clip must see the versions this snapshot ends at its capture time.
  const at = [accountId, extensions.captured_at];
  const floors = (await client.query<{ merged_floor: string | null; unmerged: Array<{ runId: string; capturedAt: string }> }>(sql.BACKDATE_FLOORS, at)).rows[0];
  await client.query(sql.BACKDATE_NEW, [extensions.captured_at, floors.merged_floor]);
  for (const u of floors.unmerged) await client.query(sql.BACKDATE_UNMERGED, [extensions.captured_at, u.runId, u.capturedAt]);
  await client.query(sql.CLIP_BACKDATED, at);
  const inserted = (await client.query(sql.INSERT_VERSIONS, params)).rowCount ?? 0;
  const counts = { inserted, closed: closedChanged + deleted, deleted, unchanged: staged - inserted };
  await client.query(sql.RECORD, [
    ...params,
    directory?.captured_at ?? null,
    extensions.complete,
    directoryComplete,
    counts.inserted,
    counts.closed,
    counts.deleted,
    counts.unchanged,
  ]);
  return { ...counts, alreadyMerged: false };
}
