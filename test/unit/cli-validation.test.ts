import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/client/errors';
import { parseDuration, parseInstant, parseRange, parseStreams } from '../../src/client/validate';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, extractionSettings, loadAccounts } from '../../src/config';

const now = new Date('2026-06-01T00:00:00Z');
const usage = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
};

describe('CLI input validation', () => {
  it('accepts dates and ISO times, normalised to UTC ISO', () => {
    expect(parseRange('2026-05-01', '2026-05-02T12:00:00Z', now)).toEqual({ from: '2026-05-01T00:00:00.000Z', to: '2026-05-02T12:00:00.000Z' });
  });
  it('names the problem for malformed, reversed, future and beyond-retention ranges', () => {
    expect(usage(() => parseRange('05/01/2026', '2026-05-02', now))).toMatch(/--from "05\/01\/2026" is not a date/);
    expect(usage(() => parseRange('2026-05-03', '2026-05-02', now))).toMatch(/--from .* must be before --to/);
    expect(usage(() => parseRange('2026-05-03', '2026-07-02', now))).toMatch(/in the future/);
    expect(usage(() => parseRange('2025-01-01', '2025-02-01', now))).toMatch(/beyond RingCentral's 12-month/);
  });
  it('rejects impossible calendar days instead of rolling them into the next month', () => {
    expect(usage(() => parseRange('2026-02-30', '2026-05-02', now))).toMatch(/--from "2026-02-30" is not a calendar date \(2026-02 has 28 days\)/);
    expect(usage(() => parseInstant('--to', '2026-04-31T12:00:00Z'))).toMatch(/--to "2026-04-31T12:00:00Z" is not a calendar date/);
    expect(parseInstant('--from', '2028-02-29').toISOString()).toBe('2028-02-29T00:00:00.000Z');
    // Every day 1..31 of every month: accepted exactly when it exists, and then kept as written.
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2100 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), (y, m, d) => {
        const text = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        const exists = d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
        if (exists) expect(parseInstant('--from', text).toISOString().slice(0, 10)).toBe(text);
        else expect(usage(() => parseInstant('--from', text))).toMatch(/is not a calendar date/);
      }),
    );
  });
  it('rejects unknown streams and bad durations', () => {
    expect(parseStreams('messages,call_log,messages')).toEqual(['messages', 'call_log']);
    expect(usage(() => parseStreams('calls'))).toMatch(/Unknown stream "calls": choose from call_log, messages/);
    expect(parseDuration('--every', '15m')).toBe(900_000);
    expect(usage(() => parseDuration('--every', 'often'))).toMatch(/--every "often" is not a duration/);
  });
});

describe('account configuration', () => {
  const env = { RC_SERVER_URL: 'http://127.0.0.1:9000', RC_CLIENT_ID: 'id', RC_CLIENT_SECRET: 's3cret', RC_JWT: 'jwt-value' };
  it('reads one account from RC_* variables', () => {
    expect(loadAccounts(env).get('default')).toMatchObject({ key: 'default', clientId: 'id' });
  });
  it('names what is missing without echoing secrets', () => {
    const err = (() => {
      try {
        loadAccounts({ ...env, RC_JWT: '' , RC_SERVER_URL: 'not a url' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err!.message).toMatch(/missing jwt/);
    expect(err!.message).not.toMatch(/s3cret/);
  });
});

describe('secrets file and extraction settings', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rcsync-accounts-'));
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  };
  const account = (key: string) => ({ key, serverUrl: 'https://platform.ringcentral.com', clientId: `id-${key}`, clientSecret: `secret-${key}`, jwt: `jwt-${key}` });

  it('reads several accounts from RC_ACCOUNTS_FILE', () => {
    const file = write('ok.json', JSON.stringify({ accounts: [account('acme'), account('globex')] }));
    expect([...loadAccounts({ RC_ACCOUNTS_FILE: file }).keys()]).toEqual(['acme', 'globex']);
  });
  it('names the problem in a bad secrets file without echoing its content', () => {
    const fails = (content: string) => {
      try {
        loadAccounts({ RC_ACCOUNTS_FILE: write(`bad-${content.length}.json`, content) });
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      throw new Error('expected a ConfigError');
    };
    expect(fails('{"accounts": [ {"key": "a", "clientSecret": "s3cr3t"')).toMatch(/not readable JSON/);
    expect(fails(JSON.stringify({ accounts: [account('a'), account('a')] }))).toMatch(/"a" appears twice/);
    expect(fails(JSON.stringify({ accounts: [{ ...account('a'), jwt: '' }] }))).toMatch(/accounts\[0\]: missing jwt/);
    expect(fails(JSON.stringify({ accounts: [{ ...account('a'), clientSecret: 'zz-secret' }] }).replace('https://platform.ringcentral.com', 'nope'))).not.toMatch(/zz-secret/);
  });
  it('parses extraction settings and rejects bad values', () => {
    expect(extractionSettings({})).toEqual({}); // every mailbox, the documented follow period
    expect(extractionSettings({ RCSYNC_MESSAGES_EXCLUDE_TYPES: 'IvrMenu, ParkLocation', RCSYNC_MESSAGES_FOLLOW_DAYS: '7', RCSYNC_MAX_PAGE_SIZE: '50' })).toEqual({
      messageExcludeTypes: ['IvrMenu', 'ParkLocation'],
      messageFollowDays: 7,
      maxPageSize: 50,
    });
    expect(() => extractionSettings({ RCSYNC_MAX_PAGE_SIZE: 'lots' })).toThrow(/RCSYNC_MAX_PAGE_SIZE must be a positive whole number/);
    expect(() => extractionSettings({ RCSYNC_MESSAGES_FOLLOW_DAYS: '0' })).toThrow(/RCSYNC_MESSAGES_FOLLOW_DAYS must be a positive whole number/);
    expect(extractionSettings({ RCSYNC_MESSAGES_BUDGET_SHARE: '0.25', RCSYNC_MESSAGES_RECONCILE_HOURS: '12' })).toEqual({ messageBudgetShare: 0.25, messageReconcileHours: 12 });
    expect(() => extractionSettings({ RCSYNC_MESSAGES_BUDGET_SHARE: '1.5' })).toThrow(/RCSYNC_MESSAGES_BUDGET_SHARE must be a share above 0 and at most 1/);
    expect(() => extractionSettings({ RCSYNC_MESSAGES_BUDGET_SHARE: '' })).toThrow(/RCSYNC_MESSAGES_BUDGET_SHARE must be/);
    expect(() => extractionSettings({ RCSYNC_MESSAGES_RECONCILE_HOURS: '0' })).toThrow(/RCSYNC_MESSAGES_RECONCILE_HOURS must be a positive number of hours/);
    expect(() => extractionSettings({ RCSYNC_MESSAGES_EXCLUDE_STATUSES: ' , ' })).toThrow(/RCSYNC_MESSAGES_EXCLUDE_STATUSES is empty/);
    // The old include list would silently sync more than its user asked for: refused, naming the replacement.
    expect(() => extractionSettings({ RCSYNC_MESSAGE_EXTENSION_TYPES: 'User' })).toThrow(/no longer read.*RCSYNC_MESSAGES_EXCLUDE_TYPES/);
  });
});
