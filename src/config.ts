/**
 * Configuration from the environment (and an optional secrets file), parsed and validated
 * once. Credentials live only here and in the worker process: workflow inputs carry the
 * account *key*, never secrets.
 */
import { readFileSync } from 'node:fs';

export interface AccountCredentials {
  /** The name workflows, schedules and warehouse rows use for this account. */
  key: string;
  serverUrl: string;
  clientId: string;
  clientSecret: string;
  jwt: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
}

export function temporalConfig(env: NodeJS.ProcessEnv = process.env): TemporalConfig {
  return {
    address: env.TEMPORAL_ADDRESS || '127.0.0.1:7233',
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'rcsync',
  };
}

export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  if (!env.DATABASE_URL) throw new ConfigError('DATABASE_URL is not set: point it at the warehouse Postgres (postgres://user:pass@host:5432/db).');
  let scheme: string;
  try {
    scheme = new URL(env.DATABASE_URL).protocol;
  } catch {
    throw new ConfigError('DATABASE_URL is not a URL: use postgres://user:password@host:5432/database.');
  }
  if (scheme !== 'postgres:' && scheme !== 'postgresql:') {
    throw new ConfigError(`DATABASE_URL has scheme "${scheme}" but the warehouse is Postgres: use postgres://user:password@host:5432/database.`);
  }
  return env.DATABASE_URL;
}

const ACCOUNT_KEY = /^[A-Za-z0-9_.-]{1,64}$/;

function checkAccount(raw: Partial<AccountCredentials>, where: string): AccountCredentials {
  const missing = (['key', 'serverUrl', 'clientId', 'clientSecret', 'jwt'] as const).filter((f) => !raw[f]);
  if (missing.length) throw new ConfigError(`${where}: missing ${missing.join(', ')}.`);
  if (!ACCOUNT_KEY.test(raw.key!)) throw new ConfigError(`${where}: account key must be 1-64 letters, digits, '.', '_' or '-'.`);
  try {
    new URL(raw.serverUrl!);
  } catch {
    throw new ConfigError(`${where}: serverUrl is not a URL.`);
  }
  return raw as AccountCredentials;
}

/**
 * Accounts from RC_ACCOUNTS_FILE (JSON: {"accounts":[{key, serverUrl, clientId, clientSecret, jwt}]})
 * or from RC_SERVER_URL, RC_CLIENT_ID, RC_CLIENT_SECRET, RC_JWT (account key RC_ACCOUNT_KEY, default "default").
 */
export function loadAccounts(env: NodeJS.ProcessEnv = process.env): Map<string, AccountCredentials> {
  const accounts = new Map<string, AccountCredentials>();
  if (env.RC_ACCOUNTS_FILE) {
    let parsed: { accounts?: Partial<AccountCredentials>[] };
    try {
      parsed = JSON.parse(readFileSync(env.RC_ACCOUNTS_FILE, 'utf8'));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new ConfigError(`RC_ACCOUNTS_FILE (${env.RC_ACCOUNTS_FILE}) not found: point it at your accounts JSON file.`);
      if (code) throw new ConfigError(`RC_ACCOUNTS_FILE (${env.RC_ACCOUNTS_FILE}) cannot be read (${code}): check the path and its permissions.`);
      throw new ConfigError(`RC_ACCOUNTS_FILE (${env.RC_ACCOUNTS_FILE}) is not readable JSON: ${(err as Error).name}.`);
    }
    if (!Array.isArray(parsed.accounts)) throw new ConfigError('RC_ACCOUNTS_FILE must contain {"accounts": [...]}.');
    parsed.accounts.forEach((a, i) => {
      const account = checkAccount(a, `RC_ACCOUNTS_FILE accounts[${i}]`);
      if (accounts.has(account.key)) throw new ConfigError(`RC_ACCOUNTS_FILE: account key "${account.key}" appears twice.`);
      accounts.set(account.key, account);
    });
  }
  if (env.RC_JWT || env.RC_CLIENT_ID) {
    const account = checkAccount(
      { key: env.RC_ACCOUNT_KEY || 'default', serverUrl: env.RC_SERVER_URL, clientId: env.RC_CLIENT_ID, clientSecret: env.RC_CLIENT_SECRET, jwt: env.RC_JWT },
      'RC_* environment variables',
    );
    accounts.set(account.key, account);
  }
  return accounts;
}

/**
 * Extraction tuning from the environment:
 * RCSYNC_MESSAGES_EXCLUDE_TYPES / RCSYNC_MESSAGES_EXCLUDE_STATUSES (comma-separated, opt-in) leave
 * those extensions' message stores out; RCSYNC_MESSAGES_FOLLOW_DAYS: messages synced within this
 * many days keep receiving changes (default 30); RCSYNC_MESSAGES_BUDGET_SHARE: the share of a schedule
 * interval's Light budget a sync's message stores may spend (default 0.5); RCSYNC_MESSAGES_RECONCILE_HOURS:
 * every mailbox is read at least once per this many hours (default 24); RCSYNC_MAX_PAGE_SIZE caps page sizes (debugging, tests).
 */
export function extractionSettings(
  env: NodeJS.ProcessEnv = process.env,
): {
  messageExcludeTypes?: string[];
  messageExcludeStatuses?: string[];
  messageFollowDays?: number;
  messageBudgetShare?: number;
  messageReconcileHours?: number;
  maxPageSize?: number;
} {
  const list = (name: string) => {
    const value = env[name];
    if (value === undefined) return undefined;
    const items = value.split(',').map((s) => s.trim()).filter(Boolean);
    if (items.length === 0) throw new ConfigError(`${name} is empty: list extension ${name.endsWith('TYPES') ? 'types, e.g. IvrMenu,ParkLocation' : 'statuses, e.g. Disabled,Frozen'}, or unset it to sync every mailbox.`);
    return items;
  };
  const positive = (name: string) => {
    const value = env[name];
    if (value !== undefined && !(Number.isInteger(Number(value)) && Number(value) > 0)) {
      throw new ConfigError(`${name} must be a positive whole number, got "${value}".`);
    }
    return value === undefined ? undefined : Number(value);
  };
  const number = (name: string, ok: (n: number) => boolean, want: string) => {
    const value = env[name];
    if (value !== undefined && !(value.trim() !== '' && ok(Number(value)))) throw new ConfigError(`${name} must be ${want}, got "${value}".`);
    return value === undefined ? undefined : Number(value);
  };
  for (const [old, replacement] of [['RCSYNC_MESSAGE_EXTENSION_TYPES', 'RCSYNC_MESSAGES_EXCLUDE_TYPES'], ['RCSYNC_MESSAGE_EXTENSION_STATUSES', 'RCSYNC_MESSAGES_EXCLUDE_STATUSES']]) {
    // An include list would now silently mean nothing: say so instead.
    if (env[old] !== undefined) throw new ConfigError(`${old} is no longer read (every mailbox is synced): unset it and list the ones to leave out in ${replacement}.`);
  }
  const settings = {
    messageExcludeTypes: list('RCSYNC_MESSAGES_EXCLUDE_TYPES'),
    messageExcludeStatuses: list('RCSYNC_MESSAGES_EXCLUDE_STATUSES'),
    messageFollowDays: positive('RCSYNC_MESSAGES_FOLLOW_DAYS'),
    messageBudgetShare: number('RCSYNC_MESSAGES_BUDGET_SHARE', (n) => n > 0 && n <= 1, 'a share above 0 and at most 1, e.g. 0.5'),
    messageReconcileHours: number('RCSYNC_MESSAGES_RECONCILE_HOURS', (n) => n > 0 && Number.isFinite(n), 'a positive number of hours, e.g. 24'),
    maxPageSize: positive('RCSYNC_MAX_PAGE_SIZE'),
  };
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
}

/**
 * RCSYNC_SNAPSHOT_RETENTION_DAYS: how many days of merged extension/directory snapshots the
 * worker keeps, counted back from each account's newest merged complete snapshot (0: only that
 * one). Undefined when unset (the worker's default applies).
 */
export function snapshotRetentionDays(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env.RCSYNC_SNAPSHOT_RETENTION_DAYS;
  if (value === undefined) return undefined;
  const days = Number(value);
  if (value.trim() === '' || !Number.isFinite(days) || days < 0) {
    throw new ConfigError(`RCSYNC_SNAPSHOT_RETENTION_DAYS must be a number of days, 0 or more (e.g. 7), got "${value}".`);
  }
  return days;
}
