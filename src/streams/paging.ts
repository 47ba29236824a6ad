/**
 * How an endpoint pages, as data the one loop (paginate.ts) follows. A strategy turns a
 * cursor into the request's query and a response into records plus the cursor of the next
 * request. Page numbers with totals, navigation links and sync tokens are such cursors. (The
 * message-store export is no paged stream: activities/message-export.ts.)
 */
import type { Query } from '../ringcentral/client';

export interface Page<C> {
  records: Record<string, unknown>[];
  /** The cursor to fetch next in this run, or undefined when this was the last page. */
  next?: C;
  /** Where a later run picks the stream up again (a sync token); page numbers have none. */
  resume?: C;
  /** paging.totalElements, when the API reports it. */
  total?: number;
  /** The server's clock when it answered (its Date header). */
  serverTime?: Date;
}

export type Envelope<C> = Omit<Page<C>, 'records' | 'serverTime'>;

export interface Paging<C> {
  /** Query parameters asking for the page at `cursor`; `perPage` is the endpoint's page size. */
  query(cursor: C, perPage: number): Query;
  /** Reads the paging part of a response whose records were already checked; `bad` makes the malformed-response error. */
  read(body: Record<string, unknown>, cursor: C, bad: (what: string) => Error): Envelope<C>;
  /** Names a request in errors and heartbeats, never with a token in it. */
  describe(cursor: C): string;
}

export interface PageCursor {
  page: number;
}

/**
 * Page numbers. How the response says there is another page:
 * - navigation: `navigation.nextPage` is present (call log, message store; no totals)
 * - totals:     `paging.page < paging.totalPages` (extension list, directory)
 */
export function pageNumbers(style: 'navigation' | 'totals'): Paging<PageCursor> {
  return {
    query: (cursor, perPage) => ({ page: cursor.page, perPage }),
    describe: (cursor) => `page ${cursor.page}`,
    read(body, cursor, bad) {
      const b = body as { records: unknown[]; paging?: { page?: number; totalPages?: number; totalElements?: number }; navigation?: { nextPage?: unknown } };
      let hasNext: boolean;
      if (style === 'navigation') {
        hasNext = Boolean(b.navigation?.nextPage);
      } else {
        if (typeof b.paging?.totalPages !== 'number') throw bad('paging.totalPages missing');
        hasNext = (b.paging.page ?? cursor.page) < b.paging.totalPages;
      }
      // An empty page can never lead anywhere: guards against a server looping on nextPage.
      if (b.records.length === 0) hasNext = false;
      const total = typeof b.paging?.totalElements === 'number' ? b.paging.totalElements : undefined;
      return { next: hasNext ? { page: cursor.page + 1 } : undefined, total };
    },
  };
}

/**
 * A sync-token cursor: without a token, a full sync (FSync) from `dateFrom`; with one, the
 * changes since it (ISync), from an earlier `dateFrom` when the frame is to be widened.
 * `syncTime` is the server's time of the sync that issued the token.
 */
export interface SyncCursor {
  syncToken?: string;
  dateFrom?: string;
  syncTime?: string;
}

/**
 * RingCentral's sync APIs (message-sync, call-log-sync). An FSync is one response;
 * ISync responses follow one another while they come back full (`recordCount` records), each
 * with the token that continues after it. `recordCount` is fixed: a full response is how the
 * server says more changes are waiting, so test page caps do not apply to it.
 * `fsyncRecordCount` is sent with an FSync when the API requires one (call-log-sync does).
 */
export function syncTokens(recordCount: number, fsyncRecordCount?: number): Paging<SyncCursor> {
  return {
    query: (cursor) =>
      cursor.syncToken
        ? { syncType: 'ISync', syncToken: cursor.syncToken, recordCount, ...(cursor.dateFrom ? { dateFrom: cursor.dateFrom } : {}) }
        : { syncType: 'FSync', dateFrom: cursor.dateFrom, ...(fsyncRecordCount ? { recordCount: fsyncRecordCount } : {}) },
    describe: (cursor) => (cursor.syncToken ? 'ISync' : 'FSync'),
    read(body, cursor, bad) {
      const info = (body as { syncInfo?: { syncToken?: unknown; syncTime?: unknown } }).syncInfo;
      if (typeof info?.syncToken !== 'string') throw bad('sync response lacks syncInfo.syncToken');
      const syncTime = typeof info.syncTime === 'string' && Number.isFinite(Date.parse(info.syncTime)) ? info.syncTime : undefined;
      const resume: SyncCursor = { syncToken: info.syncToken, ...(syncTime ? { syncTime } : {}) };
      const full = (body.records as unknown[]).length >= recordCount;
      return { resume, next: cursor.syncToken && full ? { syncToken: info.syncToken } : undefined };
    },
  };
}
