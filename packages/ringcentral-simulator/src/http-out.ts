// The response value passed between pipeline stages, and small builders for it.

import type { FaultRule } from './faults';
import type { RateDecision } from './rate-limiter';

export interface Out {
  status: number;
  headers: Record<string, string>;
  /** JSON text, or raw bytes (archive downloads) sent with the Content-Type in headers. */
  body: string | Buffer;
  fault?: FaultRule;
  throttled?: boolean;
}

export function json(status: number, body: unknown, headers: Record<string, string>, extra: Partial<Out> = {}): Out {
  return { status, headers, body: JSON.stringify(body), ...extra };
}

export const rateHeaders = (d: RateDecision): Record<string, string> => ({
  'X-Rate-Limit-Group': d.group,
  'X-Rate-Limit-Limit': String(d.limit),
  'X-Rate-Limit-Remaining': String(d.remaining),
  'X-Rate-Limit-Window': String(d.windowSec),
});
