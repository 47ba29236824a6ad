/**
 * Registering and checking our custom search attributes in a namespace. The local dev
 * server gets them as start flags; a worker adds missing ones at start-up where it may
 * (a self-hosted server lets it; Temporal Cloud does not: there an admin runs the commands
 * `searchAttributeSetupCommands` prints).
 */
import type { Connection } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/search-attributes';

const INDEXED_TYPE: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};
const CLI_TYPE: Record<string, string> = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList' };

/** `--search-attribute Name=Type` flags for `temporal server start-dev`. */
export function devServerSearchAttributeArgs(): string[] {
  return SEARCH_ATTRIBUTE_KEYS.flatMap((k) => ['--search-attribute', `${k.name}=${CLI_TYPE[k.type]}`]);
}

export function searchAttributeSetupCommands(namespace: string): string[] {
  return SEARCH_ATTRIBUTE_KEYS.map((k) => `temporal operator search-attribute create --namespace ${namespace} --name ${k.name} --type ${CLI_TYPE[k.type]}`);
}

type AnyConnection = Pick<Connection | NativeConnection, 'operatorService'>;

/** Which of our attributes the namespace lacks. */
export async function missingSearchAttributes(connection: AnyConnection, namespace: string): Promise<string[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  return SEARCH_ATTRIBUTE_KEYS.map((k) => k.name).filter((name) => !customAttributes || !(name in customAttributes));
}

/** Adds what is missing; returns the names still missing (the server refused). */
export async function ensureSearchAttributes(connection: AnyConnection, namespace: string): Promise<string[]> {
  const missing = await missingSearchAttributes(connection, namespace);
  if (missing.length === 0) return [];
  const searchAttributes = Object.fromEntries(
    SEARCH_ATTRIBUTE_KEYS.filter((k) => missing.includes(k.name)).map((k) => [k.name, INDEXED_TYPE[k.type]]),
  );
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
    return [];
  } catch {
    return missing;
  }
}
