/** Simulator capacity: requests per second it serves, and memory for a 10,000-extension, 30-day account. */
import http from 'node:http';
import { startSimulator } from 'ringcentral-simulator';

async function login(url: string, creds: { clientId: string; clientSecret: string; jwt: string }): Promise<string> {
  const res = await fetch(`${url}/restapi/oauth/token`, {
    method: 'POST',
    headers: { Authorization: `Basic ${Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: creds.jwt }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

/** Fires requests from `concurrency` keep-alive connections for `seconds`; returns completed requests/s. */
async function load(url: string, path: string, token: string, concurrency: number, seconds: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      http
        .get(`${url}${path}`, { agent, headers: { Authorization: `Bearer ${token}` } }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        })
        .on('error', reject);
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        await one();
        done++;
      }
    }),
  );
  agent.destroy();
  return done / seconds;
}

export async function benchSimulator(): Promise<string[]> {
  const unlimited = Object.fromEntries(['Light', 'Medium', 'Heavy', 'Auth'].map((g) => [g, { limit: 1e9, windowMs: 60_000 }]));
  const lines = ['| measurement | result |', '|---|---:|'];

  const small = await startSimulator({ seed: 1, extensions: 200, days: 7, rateLimits: unlimited });
  const token = await login(small.url, small.credentials);
  const ext = (small.truth.extensions()[0] as { id: number }).id;
  lines.push(`| extension list, perPage 100, 16 connections | ${(await load(small.url, '/restapi/v1.0/account/~/extension?perPage=100', token, 16, 5)).toFixed(0)} req/s |`);
  lines.push(`| message store of one extension, 16 connections | ${(await load(small.url, `/restapi/v1.0/account/~/extension/${ext}/message-store?dateFrom=2025-05-20T00:00:00Z`, token, 16, 5)).toFixed(0)} req/s |`);
  await small.close();

  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = Date.now();
  const big = await startSimulator({ seed: 1, extensions: 10_000, days: 30, rateLimits: unlimited });
  const startMs = Date.now() - t0;
  const bigToken = await login(big.url, big.credentials);
  const now = big.clock.now();
  const day = `dateFrom=${new Date(now - 86_400_000).toISOString()}&dateTo=${new Date(now).toISOString()}`;
  let records = 0;
  for (let page = 1; ; page++) {
    const res = await fetch(`${big.url}/restapi/v1.0/account/~/call-log?${day}&perPage=1000&page=${page}&view=Detailed`, { headers: { Authorization: `Bearer ${bigToken}` } });
    const body = (await res.json()) as { records: unknown[]; navigation: { nextPage?: unknown } };
    records += body.records.length;
    if (!body.navigation.nextPage) break;
  }
  const pageRate = await load(big.url, `/restapi/v1.0/account/~/call-log?${day}&perPage=1000&page=3&view=Detailed`, bigToken, 8, 5);
  gc();
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  lines.push(`| 10,000 extensions x 30 days: start-up | ${startMs} ms |`);
  lines.push(`| ... one day of company call log (view Detailed) | ${records.toLocaleString('en-US')} records |`);
  lines.push(`| ... call-log pages of 1,000 records, 8 connections | ${pageRate.toFixed(0)} req/s |`);
  lines.push(`| ... JS heap held by the simulator after paging that day (after GC) | ${heapMb.toFixed(0)} MiB |`);
  lines.push(`| ... whole benchmark process RSS at that point | ${rssMb.toFixed(0)} MiB |`);
  await big.close();
  return lines;
}
