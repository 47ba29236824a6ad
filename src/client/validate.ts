/** Input checks for CLI commands: each failure is one line naming the problem and the fix. */
import { loadAccounts } from '../config';
import { BACKFILL_STREAMS, MESSAGES_VIA, type BackfillStream, type MessagesVia } from '../workflows/backfill';
import { fail } from './errors';

/** RingCentral keeps call logs for 12 months (9 on some accounts). */
export const RETENTION_MS = 365 * 24 * 3600_000;

export function parseInstant(flag: string, value: string): Date {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || !Number.isFinite(ms)) {
    fail(`${flag} "${value}" is not a date: use YYYY-MM-DD or an ISO-8601 time such as 2026-01-31T12:00:00Z.`);
  }
  // Date.parse rolls 2026-02-30 over into March: a calendar day must exist as written.
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  const daysInMonth = month >= 1 && month <= 12 ? new Date(Date.UTC(year, month, 0)).getUTCDate() : 0;
  if (day < 1 || day > daysInMonth) {
    fail(`${flag} "${value}" is not a calendar date (${value.slice(0, 7)} has ${daysInMonth} days): use an existing day, YYYY-MM-DD.`);
  }
  return new Date(ms);
}

export function parseRange(fromText: string, toText: string, now = new Date()): { from: string; to: string } {
  const from = parseInstant('--from', fromText);
  const to = parseInstant('--to', toText);
  if (from >= to) fail(`--from (${from.toISOString()}) must be before --to (${to.toISOString()}).`);
  if (to.getTime() > now.getTime() + 60_000) fail(`--to (${to.toISOString()}) is in the future: RingCentral has no data there yet.`);
  if (now.getTime() - from.getTime() > RETENTION_MS) {
    fail(`--from (${from.toISOString()}) is beyond RingCentral's 12-month call-log retention: use a date after ${new Date(now.getTime() - RETENTION_MS).toISOString().slice(0, 10)}.`);
  }
  return { from: from.toISOString(), to: to.toISOString() };
}

export function parseStreams(text: string | undefined): BackfillStream[] {
  if (!text) return [...BACKFILL_STREAMS];
  const streams = text.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = streams.filter((s) => !(BACKFILL_STREAMS as readonly string[]).includes(s));
  if (unknown.length || streams.length === 0) fail(`Unknown stream "${unknown.join(',') || text}": choose from ${BACKFILL_STREAMS.join(', ')}.`);
  return [...new Set(streams)] as BackfillStream[];
}

export function parseMessagesVia(text: string): MessagesVia {
  if (!(MESSAGES_VIA as readonly string[]).includes(text)) fail(`Unknown --messages-via "${text}": choose from ${MESSAGES_VIA.join(', ')}.`);
  return text as MessagesVia;
}

/** `--account` defaults to the key the RC_* variables configure, so exported settings work as they are. */
export const defaultAccountKey = (env: NodeJS.ProcessEnv = process.env) => env.RC_ACCOUNT_KEY || 'default';

/** The account must be configured here too, so a typo or missing credentials stops before anything starts. */
export function checkAccount(key: string): string {
  const accounts = loadAccounts();
  if (accounts.size === 0) fail('No RingCentral credentials: set RC_SERVER_URL, RC_CLIENT_ID, RC_CLIENT_SECRET and RC_JWT (or RC_ACCOUNTS_FILE) as for the worker.');
  if (!accounts.has(key)) fail(`Account "${key}" is not configured: known accounts are ${[...accounts.keys()].join(', ')} (--account).`);
  return key;
}

export function parseDuration(flag: string, text: string): number {
  const m = /^(\d+)\s*(s|m|h|d)$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0) fail(`${flag} "${text}" is not a duration: use e.g. 30s, 15m, 2h or 1d.`);
  return Number(m[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

const CRON_MACROS = /^@(yearly|annually|monthly|weekly|daily|midnight|hourly|every\s+\S+)$/;
const CRON_FIELD = /^[0-9A-Za-z*?/,#-]+$/;

/** Temporal accepts 5 to 7 fields (optional seconds and year) or a macro; anything else is refused here, naming the flag. */
export function parseCron(text: string): string {
  const cron = text.trim();
  const fields = cron.split(/\s+/);
  const ok = CRON_MACROS.test(cron) || (fields.length >= 5 && fields.length <= 7 && fields.every((f) => CRON_FIELD.test(f) && /[0-9*?]/.test(f)));
  if (!ok) fail(`--cron "${text}" is not a cron expression: use five fields in UTC, e.g. --cron "*/15 * * * *" (or --every 15m).`);
  return cron;
}
