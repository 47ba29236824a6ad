import type { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { RingCentralClients } from '../ringcentral/client';
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
  /** Page size cap below each endpoint's maximum (tests use small pages to exercise paging). */
  maxPageSize?: number;
}

export const DEFAULT_EXTRACTION_SETTINGS: ExtractionSettings = {
  messageExcludeTypes: [],
  messageExcludeStatuses: [],
  messageFollowDays: 30,
};

export interface ActivityDeps {
  pool: Pool;
  rc?: RingCentralClients;
  settings?: Partial<ExtractionSettings>;
  /** Asks Temporal whether the workflow holding an account's sync slot is still open. */
  temporal?: Client;
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
