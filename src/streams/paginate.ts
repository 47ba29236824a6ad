/**
 * The one paging loop. It fetches page after page of an endpoint, validates each envelope,
 * and hands records plus the *next* cursor to `onPage`, which writes both in one
 * transaction. Resuming from the stored cursor re-fetches at most the page in flight.
 */
import { RingCentralError } from '../ringcentral/errors';
import type { RingCentralAccount } from '../ringcentral/client';
import type { Endpoint } from './endpoints';

export interface PageCursor {
  page: number;
}

export interface Page {
  records: Record<string, unknown>[];
  /** Where to continue, or undefined when this was the last page. */
  next?: PageCursor;
  /** paging.totalElements, when the API reports it. */
  total?: number;
}

export function parseEnvelope(endpoint: Endpoint<never>, path: string, page: number, body: unknown): Page {
  const b = body as { records?: unknown; paging?: { page?: number; totalPages?: number; totalElements?: number }; navigation?: { nextPage?: unknown } } | undefined;
  const bad = (what: string) => new RingCentralError('malformed', `${path} page ${page}: ${what}`, { endpoint: path });
  if (!b || typeof b !== 'object' || !Array.isArray(b.records)) throw bad('response has no records array');
  if (b.records.some((r) => !r || typeof r !== 'object' || (r as Record<string, unknown>)[endpoint.key] === undefined)) {
    throw bad(`a record lacks its key "${endpoint.key}"`);
  }
  let hasNext: boolean;
  if (endpoint.paging === 'navigation') {
    hasNext = Boolean(b.navigation?.nextPage);
  } else {
    if (typeof b.paging?.totalPages !== 'number') throw bad('paging.totalPages missing');
    hasNext = (b.paging.page ?? page) < b.paging.totalPages;
  }
  // An empty page can never lead anywhere: guards against a server looping on nextPage.
  if (b.records.length === 0) hasNext = false;
  const total = typeof b.paging?.totalElements === 'number' ? b.paging.totalElements : undefined;
  return { records: b.records as Record<string, unknown>[], next: hasNext ? { page: page + 1 } : undefined, total };
}

export async function paginate<P>(
  rc: RingCentralAccount,
  endpoint: Endpoint<P>,
  params: P,
  start: PageCursor,
  onPage: (page: Page, fetched: PageCursor) => Promise<void>,
  options: { maxPageSize?: number; beforeRequest?: (cursor: PageCursor) => void; signal?: AbortSignal } = {},
): Promise<{ pages: number; records: number }> {
  const perPage = Math.min(endpoint.perPage, options.maxPageSize ?? Infinity);
  let cursor: PageCursor | undefined = start;
  let pages = 0;
  let records = 0;
  const path = endpoint.path(params);
  while (cursor) {
    options.beforeRequest?.(cursor);
    const body = await rc.get(endpoint.rateGroup, path, { ...endpoint.query(params), page: cursor.page, perPage }, options.signal);
    const page = parseEnvelope(endpoint as Endpoint<never>, path, cursor.page, body);
    await onPage(page, cursor);
    pages += 1;
    records += page.records.length;
    cursor = page.next;
    // Cancelled: stop between pages, with the checkpoint just written.
    if (options.signal?.aborted) throw options.signal.reason;
  }
  return { pages, records };
}
