// Self-describing sync tokens: base64url of dot-separated fields plus a seeded checksum, so the
// server keeps no sync state and a forged or foreign token is recognised.

import { hash32, hex32 } from './prng';

export function signToken(seed: number, purpose: string, fields: ReadonlyArray<string | number>): string {
  const body = fields.join('.');
  return Buffer.from(`${body}.${hex32(hash32(seed, purpose, body))}`).toString('base64url');
}

/** The fields, or undefined when the token is malformed, has the wrong field count or a bad checksum. */
export function readToken(seed: number, purpose: string, token: string, count: number): string[] | undefined {
  const parts = Buffer.from(token, 'base64url').toString('utf8').split('.');
  if (parts.length !== count + 1) return undefined;
  const body = parts.slice(0, count).join('.');
  return hex32(hash32(seed, purpose, body)) === parts[count] ? parts.slice(0, count) : undefined;
}
