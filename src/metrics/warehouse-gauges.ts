/**
 * Gauges read from the warehouse at scrape time, so they are true whichever worker did the
 * work and survive restarts: rate-budget utilisation per (account, rate group), and
 * freshness per (account, stream) = now minus the newest record synced.
 */
import { Gauge, type Registry } from 'prom-client';
import type { Pool } from '../warehouse/db';

/** Every query uses an index: one probe per account (and per extension for messages). */
const FRESHNESS_SQL = `
  SELECT a.account_id, f.stream, extract(epoch FROM now() - f.newest)::float8 AS age_seconds
    FROM unnest($1::text[]) a(account_id)
   CROSS JOIN LATERAL (VALUES
     ('call_log', (SELECT max(start_time) FROM ringcentral.call_log_record c WHERE c.account_id = a.account_id)),
     ('messages', (SELECT max(newest) FROM ringcentral.dim_extension d
                     CROSS JOIN LATERAL (SELECT max(creation_time) AS newest FROM ringcentral.message m
                                          WHERE m.account_id = d.account_id AND m.extension_id = d.extension_id) n
                    WHERE d.account_id = a.account_id AND d.is_current)),
     ('extensions', (SELECT max(captured_at) FROM ringcentral.snapshot s WHERE s.account_id = a.account_id AND s.stream = 'extensions')),
     ('directory', (SELECT max(captured_at) FROM ringcentral.snapshot s WHERE s.account_id = a.account_id AND s.stream = 'directory'))
   ) f(stream, newest)
   WHERE f.newest IS NOT NULL`;

const UTILISATION_SQL = `
  SELECT account_id, rate_group,
         (SELECT count(*) FROM unnest(sent_at) t WHERE t > clock_timestamp() - make_interval(secs => window_ms / 1000.0))::float8
           / limit_per_window AS utilisation
    FROM ringcentral.rate_budget WHERE account_id = ANY($1::text[])`;

export function registerWarehouseGauges(registry: Registry, pool: Pool, accounts: string[]): void {
  gauge(registry, pool, accounts, {
    name: 'rcsync_freshness_seconds',
    help: 'Now minus the newest record synced (call start, message creation, snapshot capture), per account and stream.',
    labels: ['account', 'stream'],
    sql: FRESHNESS_SQL,
    sample: (r: { account_id: string; stream: string; age_seconds: number }) => [{ account: r.account_id, stream: r.stream }, r.age_seconds],
  });
  gauge(registry, pool, accounts, {
    name: 'rcsync_rate_budget_utilisation_ratio',
    help: 'Requests sent in the current rate window divided by the limit, per account and rate group (up to 1: the governor uses the whole limit, less what other clients of the same user+app spend).',
    labels: ['account', 'rate_group'],
    sql: UTILISATION_SQL,
    sample: (r: { account_id: string; rate_group: string; utilisation: number }) => [{ account: r.account_id, rate_group: r.rate_group }, r.utilisation],
  });
}

/** A gauge whose samples are the rows of one query, run on every scrape (registering again replaces it). */
function gauge<R>(
  registry: Registry,
  pool: Pool,
  accounts: string[],
  spec: { name: string; help: string; labels: string[]; sql: string; sample: (row: R) => [Record<string, string>, number] },
): void {
  registry.removeSingleMetric(spec.name);
  new Gauge({
    name: spec.name,
    help: spec.help,
    labelNames: spec.labels,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await scrapeQuery<R>(pool, spec.sql, accounts)) this.set(...spec.sample(row));
    },
  });
}

/** A warehouse outage must not break the scrape of everything else: the gauges are just absent. */
async function scrapeQuery<R>(pool: Pool, sql: string, accounts: string[]): Promise<R[]> {
  try {
    return (await pool.query(sql, [accounts])).rows as R[];
  } catch {
    return [];
  }
}
