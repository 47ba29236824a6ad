// Custom limits and time-scaled rate windows from the command line: parsed, validated (exit 2,
// one line), and what the served API enforces and reports in X-Rate-Limit-* headers.

import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { parseSimulatorArgs, runSimulatorCli, serveSimulatorFromCli } from '../src';
import { parseRateLimits } from '../src/rate-limit-spec';
import { JWT_GRANT, basic, http } from './helpers';

describe('--rate-limits / --rate-window-scale', () => {
  it('property: any GROUP=N/WINDOW list parses back to the limits it names', () => {
    const groups = ['Light', 'Medium', 'Heavy', 'Auth'] as const;
    fc.assert(fc.property(
      fc.subarray([...groups], { minLength: 1 }),
      fc.array(fc.record({ limit: fc.integer({ min: 1, max: 10_000 }), n: fc.integer({ min: 1, max: 600 }), unit: fc.constantFrom('ms', 's', 'm') }), { minLength: 4, maxLength: 4 }),
      (gs, items) => {
        const spec = gs.map((g, i) => `${i % 2 ? g.toLowerCase() : g}=${items[i]!.limit}/${items[i]!.n}${items[i]!.unit}`).join(',');
        const mult = { ms: 1, s: 1000, m: 60_000 };
        expect(parseRateLimits(spec)).toEqual(Object.fromEntries(gs.map((g, i) => [g, { limit: items[i]!.limit, windowMs: items[i]!.n * mult[items[i]!.unit] }])));
      },
    ));
  });

  it('parses into simulator options', () => {
    expect(parseSimulatorArgs(['--rate-limits', 'Heavy=3/10s,light=100/1m', '--rate-window-scale', '0.1', '--export-task-seconds', '5'], {})).toMatchObject({
      rateLimits: { Heavy: { limit: 3, windowMs: 10_000 }, Light: { limit: 100, windowMs: 60_000 } }, rateWindowScale: 0.1, exportTaskMs: 5000,
    });
  });

  it('bad input: exit code 2 and one line naming the flag and the expected form', async () => {
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((l: unknown) => void errors.push(String(l)));
    const bad = [['--rate-limits', 'Heavy=3'], ['--rate-limits', 'Bogus=1/1s'], ['--rate-limits', 'Heavy=0/1s'], ['--rate-limits', 'Heavy=1/1s,Heavy=2/1s'],
      ['--rate-window-scale', '0'], ['--rate-window-scale', 'fast'], ['--export-task-seconds', '-1']];
    try {
      for (const argv of bad) expect(await runSimulatorCli(argv)).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(errors).toHaveLength(bad.length);
    errors.slice(0, 4).forEach((e) => expect(e).toMatch(/^ringcentral-simulator: .*--rate-limits: ".*" is not GROUP=REQUESTS\/WINDOW .*e\.g\. Heavy=3\/10s.*--help/));
    expect(errors[4]).toMatch(/--rate-window-scale expects a number > 0, got "0"/);
    expect(errors[5]).toMatch(/--rate-window-scale expects a number, got "fast"/);
    expect(errors[6]).toMatch(/--export-task-seconds expects a number > 0/);
    errors.forEach((e) => expect(e.split('\n')).toHaveLength(1));
  });

  it('served: the custom limit and the scaled window are enforced and reported in the headers', async () => {
    const lines: string[] = [];
    let stop!: () => void;
    const until = new Promise<void>((r) => (stop = r));
    const opts = parseSimulatorArgs(['--port', '0', '--extensions', '5', '--days', '1', '--clock-speed', '0',
      '--rate-limits', 'Heavy=3/10s,Auth=50/60s', '--rate-window-scale', '0.1'], {});
    const served = serveSimulatorFromCli(opts, { log: (l) => lines.push(l), until });
    try {
      for (let i = 0; i < 200 && !lines.some((l) => l.startsWith('RC_JWT=')); i++) await new Promise((r) => setTimeout(r, 10));
      expect(lines).toContain('# rate limits: Light 50/6s, Medium 40/6s, Heavy 3/1s, Auth 50/6s');
      const url = lines.find((l) => l.startsWith('RC_SERVER_URL='))!.slice('RC_SERVER_URL='.length);
      const sim = { credentials: { clientId: 'sim-client-id', clientSecret: 'sim-client-secret' } } as any;
      const tok = await http(`${url}/restapi/oauth/token`, {
        method: 'POST', headers: { Authorization: basic(sim), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: JWT_GRANT, assertion: /^RC_JWT=(.*)$/m.exec(lines.join('\n'))![1]! }).toString(),
      });
      expect(tok.headers.get('x-rate-limit-limit')).toBe('50');
      expect(tok.headers.get('x-rate-limit-window')).toBe('6');
      const call = () => http(`${url}/restapi/v1.0/account/~/call-log`, { headers: { Authorization: `Bearer ${tok.body.access_token}` } });
      const seen: Array<[number, string | null, string | null, string | null]> = [];
      for (let i = 0; i < 4; i++) {
        const r = await call();
        seen.push([r.status, r.headers.get('x-rate-limit-limit'), r.headers.get('x-rate-limit-remaining'), r.headers.get('x-rate-limit-window')]);
      }
      expect(seen).toEqual([[200, '3', '2', '1'], [200, '3', '1', '1'], [200, '3', '0', '1'], [429, '3', '0', '1']]);
      // The penalty is the scaled window (1 s), not RingCentral's 60 s.
      await new Promise((r) => setTimeout(r, 1_100));
      expect((await call()).status).toBe(200);
    } finally {
      stop();
      await served;
    }
  });
});
