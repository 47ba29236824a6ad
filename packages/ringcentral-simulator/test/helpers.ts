// Shared helpers for simulator tests: raw HTTP (so we see exactly what a client sees),
// login, and simulators with limits loose enough not to interfere unless a test wants them.

import { startSimulator, type Simulator, type SimulatorOptions } from '../src';

export const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
export const LOOSE_LIMITS = {
  Light: { limit: 100_000 },
  Medium: { limit: 100_000 },
  Heavy: { limit: 100_000 },
  Auth: { limit: 100_000 },
};

export function startTestSim(opts: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ extensions: 40, days: 5, eventsPerDay: 0, rateLimits: LOOSE_LIMITS, ...opts });
}

export interface Res<T = any> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

export async function http<T = any>(url: string, init: RequestInit = {}): Promise<Res<T>> {
  const r = await fetch(url, init);
  const text = await r.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: r.status, headers: r.headers, text, body };
}

export const basic = (sim: Simulator, id = sim.credentials.clientId, secret = sim.credentials.clientSecret): string =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

export function tokenRequest(sim: Simulator, form: Record<string, string>, authorization = basic(sim)): Promise<Res> {
  return http(`${sim.url}/restapi/oauth/token`, {
    method: 'POST',
    headers: { Authorization: authorization, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

export async function login(sim: Simulator): Promise<{ access_token: string; refresh_token: string; [k: string]: unknown }> {
  const r = await tokenRequest(sim, { grant_type: JWT_GRANT, assertion: sim.credentials.jwt });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.text}`);
  return r.body;
}

export function get<T = any>(sim: Simulator, token: string | undefined, pathOrUrl: string): Promise<Res<T>> {
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${sim.url}${pathOrUrl}`;
  return http<T>(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
}

/** Follow navigation.nextPage from a first URL; returns every page body. */
export async function walkPages(sim: Simulator, token: string, first: string, maxPages = 10_000): Promise<any[]> {
  const pages: any[] = [];
  let next: string | undefined = first;
  while (next) {
    const r: Res = await get(sim, token, next);
    if (r.status !== 200) throw new Error(`GET ${next} → ${r.status} ${r.text}`);
    pages.push(r.body);
    next = r.body.navigation?.nextPage?.uri;
    if (pages.length > maxPages) throw new Error('too many pages');
  }
  return pages;
}

export const iso = (t: number): string => new Date(t).toISOString();
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
