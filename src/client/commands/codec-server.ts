import type { Command } from 'commander';
import { ConfigError } from '../../config';
import { AesGcmCodec, encryptionKeys } from '../../codec';
import { createCodecServer } from '../../codec/server';
import { fail } from '../errors';

export function registerCodecServer(program: Command) {
  program
    .command('codec-server')
    .description('Serve the payload codec endpoint the Temporal UI uses to show encrypted payloads decrypted')
    .option('--host <host>', 'address to listen on (keep it loopback or behind your SSO proxy)', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '8888')
    .requiredOption('--ui-origin <url>', "the Temporal UI's origin, e.g. http://localhost:8233 (the only origin allowed)")
    .action(async (opts: { host: string; port: string; uiOrigin: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`--port must be a port number from 1 to 65535, got "${opts.port}".`);
      let origin: string;
      try {
        origin = new URL(opts.uiOrigin).origin;
        if (origin === 'null') throw new Error();
      } catch {
        return fail(`--ui-origin must be an http(s) origin such as http://localhost:8233, got "${opts.uiOrigin}".`);
      }
      const keys = encryptionKeys();
      if (!keys) fail('No encryption keys: set RCSYNC_ENCRYPTION_KEYS (or RCSYNC_ENCRYPTION_KEYS_FILE) as for the worker.');
      const server = createCodecServer({ codec: new AesGcmCodec(keys), uiOrigin: origin });
      await new Promise<void>((resolve, reject) => {
        server.once('error', (err: NodeJS.ErrnoException) =>
          reject(err.code === 'EADDRINUSE' ? new ConfigError(`Port ${port} is in use: pick another with --port.`) : err),
        );
        server.listen(port, opts.host, resolve);
      }); // a ConfigError is one line and exit 2, like any bad setting
      console.error(`Codec endpoint on http://${opts.host}:${port} for the UI at ${origin} (keys: ${[...keys.keys.keys()].join(', ')}). Ctrl-C stops it.`);
      await new Promise<void>((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.close(() => resolve()));
      });
    });
}
