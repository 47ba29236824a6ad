/**
 * The four RingCentral APIs described as data (the Airbyte/dlt "declarative source" idea):
 * where to GET, which rate group pays for it, the largest page the API allows, how it pages,
 * and which table receives the records. One generic paginator (paginate.ts) serves them all.
 */
import type { RateGroup } from '../ratelimit/governor';
import type { Query } from '../ringcentral/client';

export type StreamName = 'call_log' | 'messages' | 'extensions' | 'directory';

/**
 * How an endpoint says there is another page:
 * - navigation: `navigation.nextPage` is present (call log, message store; no totals)
 * - totals:     `paging.page < paging.totalPages` (extension list, directory)
 */
export type PagingStyle = 'navigation' | 'totals';

export interface Endpoint<P> {
  stream: StreamName;
  rateGroup: RateGroup;
  path(params: P): string;
  perPage: number;
  paging: PagingStyle;
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
  stream: 'call_log',
  rateGroup: 'Heavy',
  path: () => '/restapi/v1.0/account/~/call-log',
  perPage: 1000,
  paging: 'navigation',
  // Detailed keeps legs; showDeleted so deletions after first sight reach the warehouse.
  query: (w) => ({ dateFrom: w.from, dateTo: w.to, view: 'Detailed', showDeleted: true }),
  key: 'id',
};

export const messageStore: Endpoint<Window & { extensionId: number }> = {
  stream: 'messages',
  rateGroup: 'Light',
  path: (p) => `/restapi/v1.0/account/~/extension/${p.extensionId}/message-store`,
  perPage: 1000,
  paging: 'navigation',
  // dateFrom is always passed: its default is only the last 24 h.
  query: (p) => ({ dateFrom: p.from, dateTo: p.to, availability: ['Alive', 'Deleted', 'Purged'] }),
  key: 'id',
};

export const extensionList: Endpoint<Record<string, never>> = {
  stream: 'extensions',
  rateGroup: 'Medium',
  path: () => '/restapi/v1.0/account/~/extension',
  perPage: 1000,
  paging: 'totals',
  query: () => ({}),
  key: 'id',
};

export const directoryEntries: Endpoint<Record<string, never>> = {
  stream: 'directory',
  rateGroup: 'Medium',
  path: () => '/restapi/v1.0/account/~/directory/entries',
  perPage: 2000,
  paging: 'totals',
  query: () => ({}),
  key: 'id',
};

/** Incremental message changes (RingCentral's ISync), one request per extension, no paging. */
export const messageSync = {
  stream: 'messages' as const,
  rateGroup: 'Light' as RateGroup,
  path: (extensionId: number) => `/restapi/v1.0/account/~/extension/${extensionId}/message-sync`,
};

/** One extension (Light): asked only to tell a deleted extension from one without a message store. */
export const extensionInfo = {
  rateGroup: 'Light' as RateGroup,
  path: (extensionId: number) => `/restapi/v1.0/account/~/extension/${extensionId}`,
};
