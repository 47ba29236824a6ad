import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contextFromInfo, contextFromInput } from '../../src/activities/log-context';
import { ConfigError } from '../../src/config';
import { configureLogging } from '../../src/infra/logging';
import { DEFAULT_METRICS_ADDRESS, DEFAULT_TEMPORAL_METRICS_ADDRESS, formatAddress, metricsSettings } from '../../src/metrics/settings';

/** Throws a ConfigError with this message. */
const rejects = (fn: () => unknown, message: string | RegExp) => {
  expect(fn).toThrow(ConfigError);
  expect(fn).toThrow(message);
};

describe('metrics addresses', () => {
  it('default to loopback, and "off" disables either', () => {
    const defaults = metricsSettings({});
    expect(formatAddress(defaults.product!)).toBe(DEFAULT_METRICS_ADDRESS);
    expect(formatAddress(defaults.temporal!)).toBe(DEFAULT_TEMPORAL_METRICS_ADDRESS);
    expect(defaults.product!.host).toBe('127.0.0.1');
    expect(metricsSettings({ RCSYNC_METRICS_ADDRESS: 'off', RCSYNC_TEMPORAL_METRICS_ADDRESS: 'OFF' })).toEqual({ product: undefined, temporal: undefined });
  });

  it('read back what they were set to (IPv4, names, bracketed IPv6)', () => {
    const host = fc.oneof(fc.ipV4(), fc.domain(), fc.ipV6());
    fc.assert(
      fc.property(host, fc.integer({ min: 0, max: 65_535 }), (h, port) => {
        const written = h.includes(':') ? `[${h}]:${port}` : `${h}:${port}`;
        const { product, temporal } = metricsSettings({ RCSYNC_METRICS_ADDRESS: written, RCSYNC_TEMPORAL_METRICS_ADDRESS: written });
        expect(product).toEqual({ host: h, port });
        expect(formatAddress(temporal!)).toBe(written);
      }),
    );
  });

  it('name the variable and the fix for anything else', () => {
    for (const bad of ['9464', 'localhost', 'localhost:', ':9464', '127.0.0.1:70000', '::1:9464', 'http://127.0.0.1:9464']) {
      rejects(() => metricsSettings({ RCSYNC_METRICS_ADDRESS: bad }), `RCSYNC_METRICS_ADDRESS must be host:port (e.g. 127.0.0.1:9464) or "off", got "${bad}".`);
      rejects(() => metricsSettings({ RCSYNC_TEMPORAL_METRICS_ADDRESS: bad }), /^RCSYNC_TEMPORAL_METRICS_ADDRESS must be host:port/);
    }
  });
});

describe('log context of an activity', () => {
  it('comes from the activity type, then its input', () => {
    const base = contextFromInfo({ activityType: 'syncCallLogWindow' });
    expect(base).toEqual({ stream: 'call_log' });
    expect(contextFromInput(base, { accountId: 'acme', window: {}, keepDoneMarker: true })).toEqual({ account: 'acme', runKind: 'backfill', stream: 'call_log' });
    expect(contextFromInput(base, { accountId: 'acme', window: {}, keepDoneMarker: false })).toMatchObject({ runKind: 'sync' });
    expect(contextFromInput(contextFromInfo({ activityType: 'syncExtensionMessages' }), { accountId: 'a', extensionId: 7, mode: 'sync' })).toEqual({ account: 'a', runKind: 'sync', stream: 'messages' });
    expect(contextFromInput(contextFromInfo({ activityType: 'snapshotList' }), { accountId: 'a', runId: 'r', stream: 'directory' })).toEqual({ account: 'a', runKind: undefined, stream: 'directory' });
    expect(contextFromInput(contextFromInfo({ activityType: 'beginSyncRun' }), { accountId: 'a', runId: 'r', kind: 'backfill' })).toEqual({ account: 'a', runKind: 'backfill', stream: undefined });
  });

  it('never takes a value that is not a string from the input', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        for (const v of Object.values(contextFromInput({}, input))) expect(v === undefined || typeof v === 'string').toBe(true);
      }),
    );
  });
});

describe('log level', () => {
  it('rejects an unknown RCSYNC_LOG_LEVEL, naming the choices', () => {
    const saved = process.env.RCSYNC_LOG_LEVEL;
    process.env.RCSYNC_LOG_LEVEL = 'loud';
    try {
      rejects(() => configureLogging('INFO'), 'RCSYNC_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, got "loud".');
    } finally {
      if (saved === undefined) delete process.env.RCSYNC_LOG_LEVEL;
      else process.env.RCSYNC_LOG_LEVEL = saved;
    }
  });
});
