import { fail } from './errors';

/**
 * Loads a module that needs development-only packages (the RingCentral simulator, the Temporal
 * test server). Production installs (`npm ci --omit=dev`, the Docker image) leave them out, so
 * the commands that need them say so in one line instead of the worker failing to start.
 */
export async function loadDevOnly<T>(command: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e?.code !== 'MODULE_NOT_FOUND') throw err;
    const missing = /Cannot find module '([^']+)'/.exec(e.message)?.[1] ?? 'a development package';
    return fail(`${command} needs ${missing}, which is not installed or not built (production installs leave it out); in a checkout run \`npm ci && npm run build\`, or use \`npm run -s rcsync -- ${command}\`.`);
  }
}
