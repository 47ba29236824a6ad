/** Time arithmetic shared by the workflows: pure, deterministic, unit-tested. */
import type { Window } from '../streams/endpoints';

/** Splits [from, to) into consecutive windows of at most sizeMs, oldest first. */
export function splitWindows(from: string, to: string, sizeMs: number): Window[] {
  const start = Date.parse(from);
  const end = Date.parse(to);
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new Error(`Invalid window bounds ${from} .. ${to}`);
  if (!(sizeMs > 0)) throw new Error('Window size must be positive');
  const windows: Window[] = [];
  for (let t = start; t < end; t += sizeMs) {
    windows.push({ from: new Date(t).toISOString(), to: new Date(Math.min(t + sizeMs, end)).toISOString() });
  }
  return windows;
}

/**
 * The windows of `range`: `sizeMs` each, or the whole range as one when unset. One range
 * pages at the page-size optimum (every page full but the last); its page checkpoint makes it
 * as resumable as many small windows.
 */
export function windowsOf(range: Window, sizeMs?: number): Window[] {
  if (sizeMs !== undefined) return splitWindows(range.from, range.to, sizeMs);
  return Date.parse(range.from) < Date.parse(range.to) ? [range] : [];
}

export function minusMs(iso: string, ms: number): string {
  return new Date(Date.parse(iso) - ms).toISOString();
}

export function laterOf(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
