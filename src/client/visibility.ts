/** Values inside Temporal visibility queries: quoted as SQL string literals, never spliced raw. */
import { fail } from './errors';

/**
 * A single quote is escaped. Backslashes and double quotes are refused: the dev server's
 * visibility store matches no escaping of them, so a query would silently find nothing.
 */
export function visibilityString(value: string, source: string): string {
  // eslint-disable-next-line no-control-regex
  if (/["\\\x00-\x1f]/.test(value)) {
    fail(`${source} ${JSON.stringify(value)} holds a double quote, backslash or control character, which Temporal's run search cannot match: rename it.`);
  }
  return `'${value.replace(/'/g, "\\'")}'`;
}
