// `rcsync simulator` hands its arguments to the simulator package's one option parser: bad
// input is one line and exit 2 before anything listens; --help is the package's own.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/client/main';

afterEach(() => vi.restoreAllMocks());

describe('rcsync simulator', () => {
  it('bad input: exit 2 and one line naming the option', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((l: unknown) => void errors.push(String(l)));
    expect(await run(['simulator', '--days', 'many'])).toBe(2);
    expect(await run(['simulator', '--extensions'])).toBe(2);
    expect(await run(['simulator', '--bogus'])).toBe(2);
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^rcsync: simulator: .*--days must be a whole number from 1 to 365, got "many".*rcsync simulator --help/);
    expect(errors[1]).toMatch(/^rcsync: simulator: option '--extensions <n>' argument missing/);
    expect(errors[2]).toMatch(/^rcsync: simulator: unknown option '--bogus'/);
    for (const line of errors) expect(line).not.toContain('\n');
  });

  it('--help lists every simulator option, --control included', async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
    expect(await run(['simulator', '--help'])).toBe(0);
    const help = out.join('');
    expect(help).toMatch(/^Usage: rcsync simulator \[options\]/);
    for (const flag of ['--port', '--seed', '--extensions', '--days', '--events-per-day', '--clock-speed', '--now', '--public-url', '--control']) expect(help).toContain(flag);
  });
});
