// The one paging helper: parameter parsing and {paging, navigation} envelopes for every list endpoint.

import { invalidParam } from './errors';

export interface PerPageRule {
  def: number;
  max: number;
  /** 'clamp' silently caps (extension list, message store); 'error' answers 400 CMN-101 (call log). */
  overMax: 'clamp' | 'error';
  /** Values accepted as words, e.g. { max: 1000 } or { max: 2000, all: 2000 }. */
  words?: Record<string, number>;
}

export function parsePage(q: URLSearchParams): number {
  const raw = q.get('page');
  if (raw === null || raw === '') return 1;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw invalidParam('page', raw);
  return Number(raw);
}

export function parsePerPage(q: URLSearchParams, rule: PerPageRule): number {
  const raw = q.get('perPage');
  if (raw === null || raw === '') return rule.def;
  const word = rule.words?.[raw.toLowerCase()];
  if (word !== undefined) return word;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw invalidParam('perPage', raw);
  const n = Number(raw);
  if (n > rule.max) {
    if (rule.overMax === 'error') throw invalidParam('perPage', raw);
    return rule.max;
  }
  return n;
}

export interface EnvelopeInput {
  /** Absolute URL of the resource without query (canonical: numeric account/extension ids). */
  resourceUrl: string;
  query: URLSearchParams;
  page: number;
  perPage: number;
  count: number;
  /** Known total → totalPages/totalElements and lastPage; unknown (call log) → neither. */
  total?: number;
  hasNext: boolean;
  /** directory/entries has no navigation block. */
  navigation: boolean;
}

function pageUrl(inp: EnvelopeInput, page: number): { uri: string } {
  const q = new URLSearchParams(inp.query);
  q.set('page', String(page));
  q.set('perPage', String(inp.perPage));
  return { uri: `${inp.resourceUrl}?${q.toString()}` };
}

export function selfUri(resourceUrl: string, rawQuery: string): string {
  return rawQuery ? `${resourceUrl}?${rawQuery}` : resourceUrl;
}

export function envelope(inp: EnvelopeInput): { paging: Record<string, number>; navigation?: Record<string, { uri: string }> } {
  const paging: Record<string, number> = { page: inp.page };
  const totalPages = inp.total === undefined ? undefined : Math.ceil(inp.total / inp.perPage);
  if (totalPages !== undefined) paging.totalPages = totalPages;
  paging.perPage = inp.perPage;
  if (inp.total !== undefined) paging.totalElements = inp.total;
  if (inp.count > 0) {
    paging.pageStart = (inp.page - 1) * inp.perPage;
    paging.pageEnd = paging.pageStart + inp.count - 1;
  }
  if (!inp.navigation) return { paging };
  const navigation: Record<string, { uri: string }> = { firstPage: pageUrl(inp, 1) };
  if (inp.hasNext) navigation.nextPage = pageUrl(inp, inp.page + 1);
  if (inp.page > 1) navigation.previousPage = pageUrl(inp, inp.page - 1);
  if (totalPages !== undefined) navigation.lastPage = pageUrl(inp, Math.max(1, totalPages));
  return { paging, navigation };
}

/** Slice helper for endpoints that know their full (small) result list. */
export function slicePage<T>(all: readonly T[], page: number, perPage: number): T[] {
  const start = (page - 1) * perPage;
  return all.slice(start, start + perPage);
}
