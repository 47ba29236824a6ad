// Query-string parsing with RingCentral's validation behaviour (400 CMN-101 on bad values).

import { invalidParam } from './errors';

/** Repeated keys (`type=Voice&type=Fax`, what the SDK sends) and comma lists both accepted. */
export function enumSet<T extends string>(q: URLSearchParams, name: string, allowed: readonly T[]): Set<T> | undefined {
  const raw = q.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  if (!raw.length) return undefined;
  const out = new Set<T>();
  for (const v of raw) {
    const hit = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
    if (!hit) throw invalidParam(name, v);
    out.add(hit);
  }
  return out;
}

export function dateParam(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null || raw === '') return undefined;
  // RC accepts ISO 8601 date-times; a bare date means midnight UTC.
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw)) throw invalidParam(name, raw);
  const t = Date.parse(raw);
  if (!Number.isFinite(t)) throw invalidParam(name, raw);
  return t;
}

export function boolParam(q: URLSearchParams, name: string, def: boolean): boolean {
  const raw = q.get(name);
  if (raw === null || raw === '') return def;
  if (/^true$/i.test(raw)) return true;
  if (/^false$/i.test(raw)) return false;
  throw invalidParam(name, raw);
}

export function intParam(q: URLSearchParams, name: string, def: number, min: number, max: number): number {
  const raw = q.get(name);
  if (raw === null || raw === '') return def;
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw invalidParam(name, raw);
  return Math.min(max, Number(raw));
}

export function oneOf<T extends string>(q: URLSearchParams, name: string, allowed: readonly T[], def: T): T {
  const raw = q.get(name);
  if (raw === null || raw === '') return def;
  const hit = allowed.find((a) => a.toLowerCase() === raw.toLowerCase());
  if (!hit) throw invalidParam(name, raw);
  return hit;
}
