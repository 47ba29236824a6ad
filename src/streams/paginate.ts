/**
 * The one paging loop: request the page at a cursor, check the envelope, hand the page to
 * `onPage` (which writes it and says where to go on), repeat. How a cursor becomes a
 * request and a response becomes the next cursor is the endpoint's paging strategy.
 */
import { RingCentralError } from '../ringcentral/errors';
import type { Fetched, RingCentralAccount } from '../ringcentral/client';
import type { Endpoint } from './endpoints';
import type { Page } from './paging';

export interface PagingControl<C> {
  /** Page-size cap below the endpoint's maximum. */
  maxPageSize?: number;
  /** Called before every request (heartbeats go here). */
  beforeRequest?: (cursor: C) => void;
  /** Aborts the request in flight; paging stops between pages. */
  signal?: AbortSignal;
}

/** Pages from `start` until `onPage` returns no cursor. */
export async function paginate<P, C>(
  rc: RingCentralAccount,
  endpoint: Endpoint<P, C>,
  params: P,
  start: C,
  onPage: (page: Page<C>) => Promise<C | undefined>,
  control: PagingControl<C> = {},
): Promise<void> {
  const perPage = Math.min(endpoint.perPage, control.maxPageSize ?? Infinity);
  const path = endpoint.path(params);
  let cursor: C | undefined = start;
  while (cursor !== undefined) {
    control.beforeRequest?.(cursor);
    const fetched = await rc.fetch(endpoint.rateGroup, path, { ...endpoint.query(params), ...endpoint.paging.query(cursor, perPage) }, control.signal);
    cursor = await onPage(readPage(endpoint, path, cursor, fetched));
    // Cancelled: stop between pages, with the checkpoint just written.
    if (control.signal?.aborted) throw control.signal.reason;
  }
}

function readPage<C>(endpoint: Endpoint<never, C>, path: string, cursor: C, { body, serverTime }: Fetched): Page<C> {
  const bad = (what: string) => new RingCentralError('malformed', `${path} ${endpoint.paging.describe(cursor)}: ${what}`, { endpoint: path });
  const b = body as { records?: unknown } | undefined;
  if (!b || typeof b !== 'object' || !Array.isArray(b.records)) throw bad('response has no records array');
  if (b.records.some((r) => !r || typeof r !== 'object' || (r as Record<string, unknown>)[endpoint.key] === undefined)) {
    throw bad(`a record lacks its key "${endpoint.key}"`);
  }
  return { records: b.records as Record<string, unknown>[], ...endpoint.paging.read(b as Record<string, unknown>, cursor, bad), serverTime };
}
