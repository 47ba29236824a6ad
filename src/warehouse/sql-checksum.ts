/**
 * Migration checksums that ignore what the server ignores: comments and the amount of
 * whitespace between tokens. So a corrected comment in an applied migration is not an edit,
 * while any change to what runs (quoted text and dollar-quoted bodies included) still is.
 */
import { createHash } from 'node:crypto';

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The checksum recorded for a migration: of its SQL without comments, whitespace runs made one space. */
export function sqlChecksum(sql: string): string {
  return sha256(normaliseSql(sql));
}

/** Drops `--` and (nested) block comments and collapses whitespace, leaving quoted and dollar-quoted text untouched. */
export function normaliseSql(sql: string): string {
  let out = '';
  let space = false;
  const emit = (text: string) => {
    if (space && out) out += ' ';
    space = false;
    out += text;
  };
  for (let i = 0; i < sql.length; ) {
    const c = sql[i];
    if (/\s/.test(c)) {
      space = true;
      i++;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
      space = true;
    } else if (sql.startsWith('/*', i)) {
      i = blockCommentEnd(sql, i);
      space = true;
    } else if (c === "'" || c === '"') {
      const end = quotedEnd(sql, i, /[Ee]/.test(sql[i - 1] ?? '') && c === "'");
      emit(sql.slice(i, end));
      i = end;
    } else {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64))?.[0];
      const close = tag ? sql.indexOf(tag, i + tag.length) : -1;
      const end = tag ? (close < 0 ? sql.length : close + tag.length) : i + 1;
      emit(sql.slice(i, end));
      i = end;
    }
  }
  return out;
}

/** Postgres block comments nest. */
function blockCommentEnd(sql: string, start: number): number {
  let depth = 0;
  for (let i = start; i < sql.length; ) {
    if (sql.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (sql.startsWith('*/', i)) {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return sql.length;
}

/** End of a quoted string or identifier: a doubled quote stays inside, and so does a backslash-escaped one in E'...'. */
function quotedEnd(sql: string, start: number, backslashEscapes: boolean): number {
  const quote = sql[start];
  for (let i = start + 1; i < sql.length; i++) {
    if (backslashEscapes && sql[i] === '\\') i++;
    else if (sql[i] === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i++;
    }
  }
  return sql.length;
}
