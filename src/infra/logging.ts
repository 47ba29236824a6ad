/**
 * Structured logs: one JSON object per line on stderr (human-readable lines when stderr is a
 * terminal), from our code and from the Temporal SDK alike, at RCSYNC_LOG_LEVEL (default
 * INFO for `worker`, WARN for the demo). Every JSON line has the keys account, workflowId,
 * runKind and stream (null where they do not apply, e.g. worker start-up lines).
 * Log lines carry ids, counts and our error messages: never records, names, numbers or
 * credentials, which never reach them; known credential fields are redacted all the same.
 */
import pino from 'pino';
import pretty from 'pino-pretty';
import { Runtime, type LogLevel, type LogMetadata, type Logger } from '@temporalio/worker';
import { ConfigError } from '../config';
import { formatAddress, type ListenAddress } from '../metrics/settings';

const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;
const CORE_LEVEL: Record<LogLevel, LogLevel> = { TRACE: 'DEBUG', DEBUG: 'INFO', INFO: 'INFO', WARN: 'WARN', ERROR: 'ERROR' };

/** The run kind each workflow type is part of; activities name it themselves where they can (see activities/log-context). */
const RUN_KIND_OF_WORKFLOW: Record<string, string> = {
  accountSyncWorkflow: 'sync',
  backfillWorkflow: 'backfill',
  callLogBackfillWorkflow: 'backfill',
  checkWorkflow: 'check',
};

/** Child workflows that work one stream. */
const STREAM_OF_WORKFLOW: Record<string, string> = { callLogBackfillWorkflow: 'call_log', messageFanOutWorkflow: 'messages', messageExportWorkflow: 'messages' };

const CREDENTIAL_FIELDS = ['jwt', 'clientSecret', 'password', 'authorization', 'access_token', 'refresh_token', 'accessToken', 'refreshToken'];

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): pino.Logger {
  const human = !destination && process.stderr.isTTY;
  const stream = destination ?? (human ? pretty({ destination: 2, sync: true, colorize: true, ignore: 'pid,hostname' }) : pino.destination({ fd: 2, sync: true }));
  return pino(
    {
      level: PINO_LEVEL[level],
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      // The context keys on every JSON line, so a log query can always filter on them.
      ...(human ? {} : { mixin: () => ({ account: null, workflowId: null, runKind: null, stream: null }) }),
      redact: { paths: CREDENTIAL_FIELDS.flatMap((f) => [f, `*.${f}`]), censor: '[redacted]' },
    },
    stream,
  );
}

/** The Temporal SDK's Logger interface on top of pino: SDK metadata becomes top-level fields. */
export class TemporalPinoLogger implements Logger {
  constructor(readonly pino: pino.Logger) {}

  log(level: LogLevel, message: string, meta: LogMetadata = {}): void {
    // The task token is a long opaque credential for completing the activity: not for logs.
    const { error, taskToken: _taskToken, ...fields } = meta as Record<string, unknown>;
    const workflowType = fields.workflowType as string;
    const context = { runKind: fields.runKind ?? RUN_KIND_OF_WORKFLOW[workflowType], stream: fields.stream ?? STREAM_OF_WORKFLOW[workflowType] };
    const known = Object.fromEntries(Object.entries(context).filter(([, v]) => v !== undefined));
    this.pino[PINO_LEVEL[level] ?? 'info']({ ...fields, ...known, ...(error ? { err: error } : {}) }, message);
  }
  trace(message: string, meta?: LogMetadata) {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata) {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata) {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata) {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata) {
    this.log('ERROR', message, meta);
  }
}

let installed: pino.Logger | undefined;

/** The process's logger, for lines of our own outside activities (worker start-up, shutdown). */
export function logger(): pino.Logger {
  return (installed ??= createLogger('INFO'));
}

/** The process's logger at RCSYNC_LOG_LEVEL (or the default); throws ConfigError for an unknown level. */
export function configureLogging(defaultLevel: LogLevel): pino.Logger {
  const level = (process.env.RCSYNC_LOG_LEVEL?.toUpperCase() || defaultLevel) as LogLevel;
  if (!(level in PINO_LEVEL)) throw new ConfigError(`RCSYNC_LOG_LEVEL must be one of ${Object.keys(PINO_LEVEL).join(', ')}, got "${process.env.RCSYNC_LOG_LEVEL}".`);
  installed = createLogger(level);
  return installed;
}

export interface RuntimeOptions {
  /** Where the Temporal runtime serves its own Prometheus metrics; none when undefined. */
  temporalMetrics?: ListenAddress;
  /**
   * Native (Rust) SDK lines through our logger too, so every line is JSON. The forwarding
   * keeps the process alive until the runtime shuts down (when its last worker and
   * connection close): install it only right before connecting.
   */
  forwardNativeLogs?: boolean;
}

/** Installs the Temporal runtime once per process, logging through the process's logger. */
export function installTemporalRuntime(options: RuntimeOptions = {}): void {
  const log = logger();
  const level = (Object.entries(PINO_LEVEL).find(([, v]) => v === log.level)?.[0] ?? 'INFO') as LogLevel;
  Runtime.install({
    logger: new TemporalPinoLogger(log),
    telemetryOptions: {
      // Its DEBUG is per poll, so native lines stay one step quieter than ours.
      ...(options.forwardNativeLogs ? { logging: { filter: { core: CORE_LEVEL[level], other: 'ERROR' }, forward: {} } } : {}),
      ...(options.temporalMetrics ? { metrics: { prometheus: { bindAddress: formatAddress(options.temporalMetrics) } } } : {}),
    },
  });
}

/** Logger and runtime together, for the demo and tests. */
export function installLogging(defaultLevel: LogLevel): void {
  configureLogging(defaultLevel);
  installTemporalRuntime();
}
