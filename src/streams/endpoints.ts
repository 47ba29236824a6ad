/**
 * The four RingCentral APIs described as data (the Airbyte/dlt "declarative source" idea):
 * where to GET, which rate group pays for it, the largest page the API allows, how it pages,
 * and its natural key. One loop (paginate.ts) serves them all, following each endpoint's paging
 * strategy (paging.ts).
 */
import type { RateGroup } from '../ratelimit/governor';
import type { Query } from '../ringcentral/client';
import { pageNumbers, syncTokens, type PageCursor, type Paging, type SyncCursor } from './paging';

export interface Endpoint<P, C = PageCursor> {
  rateGroup: RateGroup;
  path(params: P): string;
  /** The largest page the API allows (tests may cap it lower). */
  perPage: number;
  paging: Paging<C>;
  query(params: P): Query;
  /** Natural key of a record (for de-duplication and upserts). */
  key: string;
}

export interface Window {
  /** ISO-8601, inclusive. */
  from: string;
  /** ISO-8601, exclusive. */
  to: string;
}

export const callLog: Endpoint<Window> = {
  rateGroup: 'Heavy',
  path: () => '/restapi/v1.0/account/~/call-log',
  perPage: 1000,
  paging: pageNumbers('navigation'),
  // Detailed keeps legs; showDeleted so deletions after first sight reach the warehouse.
  query: (w) => ({ dateFrom: w.from, dateTo: w.to, view: 'Detailed', showDeleted: true }),
  key: 'id',
};

export const messageStore: Endpoint<Window & { extensionId: number }> = {
  rateGroup: 'Light',
  path: (p) => `/restapi/v1.0/account/~/extension/${p.extensionId}/message-store`,
  perPage: 1000,
  paging: pageNumbers('navigation'),
  // dateFrom is always passed: its default is only the last 24 h.
  query: (p) => ({ dateFrom: p.from, dateTo: p.to, availability: ['Alive', 'Deleted', 'Purged'] }),
  key: 'id',
};

export const extensionList: Endpoint<Record<string, never>> = {
  rateGroup: 'Medium',
  path: () => '/restapi/v1.0/account/~/extension',
  perPage: 1000,
  paging: pageNumbers('totals'),
  query: () => ({}),
  key: 'id',
};

export const directoryEntries: Endpoint<Record<string, never>> = {
  rateGroup: 'Medium',
  path: () => '/restapi/v1.0/account/~/directory/entries',
  perPage: 2000,
  paging: pageNumbers('totals'),
  query: () => ({}),
  key: 'id',
};

/** Records per ISync response; a full response means more changes are waiting. */
const ISYNC_RECORD_COUNT = 250;

/** One mailbox's message changes (RingCentral's FSync/ISync), by sync token. */
export const messageSync: Endpoint<{ extensionId: number }, SyncCursor> = {
  rateGroup: 'Light',
  path: (p) => `/restapi/v1.0/account/~/extension/${p.extensionId}/message-sync`,
  perPage: ISYNC_RECORD_COUNT,
  paging: syncTokens(ISYNC_RECORD_COUNT),
  query: () => ({}),
  key: 'id',
};

/**
 * The company's call-log changes by sync token (account-level call-log-sync, Heavy). The
 * FSync is asked for one record: it is taken for its token, the call log's own paging reads
 * the frame (deleted records included, which an FSync leaves out). ISync brings every record
 * that appeared, got its recording or was deleted after the token, deleted ones included.
 */
export const callLogSync: Endpoint<Record<string, never>, SyncCursor> = {
  rateGroup: 'Heavy',
  path: () => '/restapi/v1.0/account/~/call-log-sync',
  perPage: ISYNC_RECORD_COUNT,
  paging: syncTokens(ISYNC_RECORD_COUNT, 1),
  // The token keeps the FSync's view; Detailed like the call log, so both store the same record.
  query: () => ({ view: 'Detailed', showDeleted: true }),
  key: 'id',
};

/** One extension (Light): asked only to tell a deleted extension from one without a message store. */
export const extensionInfo = {
  rateGroup: 'Light' as RateGroup,
  path: (extensionId: number) => `/restapi/v1.0/account/~/extension/${extensionId}`,
};

/**
 * The account's message-store export (Heavy, permission ReadMessages): POST a task for a
 * creation-time range, GET it until Completed, list its archives, download each (a ZIP).
 * Statuses per the spec; AttemptFailed is retried by RingCentral itself.
 */
const MESSAGE_STORE_REPORT = '/restapi/v1.0/account/~/message-store-report';
export const messageStoreExport = {
  rateGroup: 'Heavy' as RateGroup,
  create: MESSAGE_STORE_REPORT,
  task: (taskId: string) => `${MESSAGE_STORE_REPORT}/${encodeURIComponent(taskId)}`,
  archives: (taskId: string) => `${MESSAGE_STORE_REPORT}/${encodeURIComponent(taskId)}/archive`,
  finished: { Completed: 'landed', Failed: 'failed', Cancelled: 'failed' } as Record<string, 'landed' | 'failed' | undefined>,
};
