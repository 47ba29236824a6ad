import type { Context } from '@temporalio/activity';
import type { RingCentralClients } from '../ringcentral/client';
import type { Pool } from '../warehouse/db';

export interface ExtractionSettings {
  /** Extension types whose message stores are synced (others have none, and would waste the Light budget). */
  messageExtensionTypes: string[];
  messageExtensionStatuses: string[];
  /** Page size cap below each endpoint's maximum (tests use small pages to exercise paging). */
  maxPageSize?: number;
}

export const DEFAULT_EXTRACTION_SETTINGS: ExtractionSettings = {
  messageExtensionTypes: ['User', 'DigitalUser', 'VirtualUser', 'FaxUser', 'Department', 'Voicemail'],
  messageExtensionStatuses: ['Enabled', 'Disabled', 'Frozen'],
};

export interface ActivityDeps {
  pool: Pool;
  rc?: RingCentralClients;
  settings?: Partial<ExtractionSettings>;
  /** Days of merged snapshots kept (RCSYNC_SNAPSHOT_RETENTION_DAYS); the default when unset. */
  snapshotRetentionDays?: number;
}

export function requireRc(deps: ActivityDeps): RingCentralClients {
  if (!deps.rc) throw new Error('This worker has no RingCentral accounts configured (set RC_* variables or RC_ACCOUNTS_FILE).');
  return deps.rc;
}

/**
 * Paging options every paging activity uses: the page-size cap, a heartbeat before each
 * request (so a slow page or a rate wait is not mistaken for a dead worker), and the
 * activity's cancellation signal (in-flight requests abort; paging stops between pages).
 */
export function pagingOptions(deps: ActivityDeps, ctx: Context, where: Record<string, unknown>) {
  return {
    maxPageSize: deps.settings?.maxPageSize,
    beforeRequest: (cursor: { page: number }) => ctx.heartbeat({ ...where, page: cursor.page }),
    signal: ctx.cancellationSignal,
  };
}
