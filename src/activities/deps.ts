import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { RingCentralAccount, RingCentralClients } from '../ringcentral/client';
import type { PageWriterContext } from '../streams/page-writer';
import type { Pool } from '../warehouse/db';

export interface ExtractionSettings {
  /**
   * Extension types and statuses whose message stores are NOT synced. Empty by default: every
   * listed extension's mailbox is read, and one RingCentral refuses is counted, not guessed.
   */
  messageExcludeTypes: string[];
  messageExcludeStatuses: string[];
  /** Messages synced within this many days keep receiving changes (read, deleted, purged): the sync frame covers them. */
  messageFollowDays: number;
  /** Share of a schedule interval's Light budget one sync's message stores may spend (0 < share ≤ 1). */
  messageBudgetShare: number;
  /** Every mailbox is reconciled (read by message-sync) at least once per this many hours. */
  messageReconcileHours: number;
  /** Page size cap below each endpoint's maximum (tests use small pages to exercise paging). */
  maxPageSize?: number;
}

export const DEFAULT_EXTRACTION_SETTINGS: ExtractionSettings = {
  messageExcludeTypes: [],
  messageExcludeStatuses: [],
  messageFollowDays: 30,
  messageBudgetShare: 0.5,
  messageReconcileHours: 24,
};

export interface ActivityDeps {
  pool: Pool;
  rc?: RingCentralClients;
  settings?: Partial<ExtractionSettings>;
  /** Asks Temporal whether the workflow holding an account's sync slot is still open. */
  temporal?: Client;
  /** Days of merged snapshots kept (RCSYNC_SNAPSHOT_RETENTION_DAYS); the default when unset. */
  snapshotRetentionDays?: number;
}

export function requireRc(deps: ActivityDeps): RingCentralClients {
  if (!deps.rc) throw new Error('This worker has no RingCentral accounts configured (set RC_* variables or RC_ACCOUNTS_FILE).');
  return deps.rc;
}

/** What the page writer needs from an activity: the pool, the account's connection, the running activity (heartbeats, cancellation), the page cap. */
export function pageWriter(deps: ActivityDeps, rc: RingCentralAccount): PageWriterContext {
  return { pool: deps.pool, rc, activity: Context.current(), maxPageSize: deps.settings?.maxPageSize };
}
