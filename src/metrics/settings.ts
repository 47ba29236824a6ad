/**
 * Where the worker serves metrics: RCSYNC_METRICS_ADDRESS (the product's, default
 * 127.0.0.1:9464) and RCSYNC_TEMPORAL_METRICS_ADDRESS (the Temporal runtime's, default
 * 127.0.0.1:9465). Loopback by default: metrics name accounts and are not meant for the
 * world. "off" disables either.
 */
import { ConfigError } from '../config';

export interface ListenAddress {
  host: string;
  port: number;
}

export interface MetricsSettings {
  product?: ListenAddress;
  temporal?: ListenAddress;
}

export const DEFAULT_METRICS_ADDRESS = '127.0.0.1:9464';
export const DEFAULT_TEMPORAL_METRICS_ADDRESS = '127.0.0.1:9465';

export function metricsSettings(env: NodeJS.ProcessEnv = process.env): MetricsSettings {
  return {
    product: listenAddress('RCSYNC_METRICS_ADDRESS', env.RCSYNC_METRICS_ADDRESS || DEFAULT_METRICS_ADDRESS),
    temporal: listenAddress('RCSYNC_TEMPORAL_METRICS_ADDRESS', env.RCSYNC_TEMPORAL_METRICS_ADDRESS || DEFAULT_TEMPORAL_METRICS_ADDRESS),
  };
}

/** "host:port" ("[::1]:9464" for IPv6), or "off". */
function listenAddress(name: string, value: string): ListenAddress | undefined {
  if (value.toLowerCase() === 'off') return undefined;
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || port > 65_535) throw new ConfigError(`${name} must be host:port (e.g. 127.0.0.1:9464) or "off", got "${value}".`);
  return { host: match[1] ?? match[2], port };
}

export function formatAddress(a: ListenAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
