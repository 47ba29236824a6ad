import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

/**
 * Worker and SDK logs at RCSYNC_LOG_LEVEL (default INFO for `worker`, WARN for the demo).
 * Log lines carry workflow ids, activity types and our error messages: never records,
 * names or numbers, which never reach them.
 */
export function installLogging(defaultLevel: LogLevel): void {
  const level = (process.env.RCSYNC_LOG_LEVEL?.toUpperCase() as LogLevel | undefined) ?? defaultLevel;
  Runtime.install({ logger: new DefaultLogger(level) });
}
