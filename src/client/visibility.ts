/** Values inside Temporal visibility queries: quoted as SQL string literals, never spliced raw. */
export function visibilityString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
