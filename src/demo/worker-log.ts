/**
 * The demo's terminal is for people: a failing background activity or workflow task gets
 * one line there, and its full entry (stack, attempt, ids) goes to the worker log file.
 */
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DefaultLogger, Runtime, type LogEntry, type LogLevel } from '@temporalio/worker';

const SHOWN: ReadonlySet<LogLevel> = new Set<LogLevel>(['WARN', 'ERROR']);

function errorText(value: unknown): string | undefined {
  if (value instanceof Error) return value.message;
  if (value && typeof value === 'object' && 'message' in value) return String((value as { message: unknown }).message);
  return undefined;
}

/** Errors keep their name, message, stack and cause in the file; JSON.stringify alone drops them. */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack, cause: value.cause };
  return value;
}

/** Every entry to the file; WARN and ERROR also to the terminal, as one line without stack traces. */
export function demoLogSink(file: string, terminal: (line: string) => void): (entry: LogEntry) => void {
  return (entry) => {
    const at = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
    appendFileSync(file, `${at} ${entry.level} ${entry.message} ${JSON.stringify(entry.meta ?? {}, replacer)}\n`);
    if (!SHOWN.has(entry.level)) return;
    const meta = (entry.meta ?? {}) as Record<string, unknown>;
    const cause = errorText(meta.error ?? meta.failure);
    const what = [meta.workflowType, meta.activityType].filter(Boolean).join(' / ');
    const line = `worker ${entry.level.toLowerCase()}: ${entry.message}${what ? ` (${what})` : ''}${cause ? `: ${cause}` : ''}`;
    terminal(`${line.split('\n')[0]} [details: ${file}]`);
  };
}

/** Installs the demo's logger; returns the log file's path. */
export function installDemoLogging(terminal: (line: string) => void): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'rcsync-demo-')), 'worker.log');
  const level = (process.env.RCSYNC_LOG_LEVEL?.toUpperCase() as LogLevel | undefined) ?? 'INFO';
  Runtime.install({ logger: new DefaultLogger(level, demoLogSink(file, terminal)) });
  return file;
}
