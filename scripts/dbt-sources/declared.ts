/**
 * The tests the catalog cannot state on its own: references between tables that have no
 * foreign key (the sync writes them in its own order), keys and NOT NULLs of views, and
 * columns whose values RingCentral's OpenAPI file enumerates. Everything else in
 * sources.yml comes from the catalog.
 */

/** `relation.column` must be found in `relation.column` (dbt's relationships test). */
export const RELATIONSHIPS: Array<[from: string, to: string]> = [
  ['snapshot.run_id', 'sync_run.run_id'],
  ['extension_snapshot.run_id', 'snapshot.run_id'],
  ['directory_entry_snapshot.run_id', 'snapshot.run_id'],
  ['dim_extension_merge.run_id', 'sync_run.run_id'],
  ['dim_extension.created_by_run_id', 'dim_extension_merge.run_id'],
  ['dim_extension.closed_by_run_id', 'dim_extension_merge.run_id'],
  ['call_log_attributed.owner_extension_key', 'dim_extension.extension_key'],
  ['call_log_attributed.from_ext_key', 'dim_extension.extension_key'],
  ['call_log_attributed.to_ext_key', 'dim_extension.extension_key'],
  ['message_attributed.owner_extension_key', 'dim_extension.extension_key'],
];

/**
 * Views have no constraints to read. A key here is a promise of the view's joins: the
 * attribution views keep exactly one row per record, which overlapping dimension versions
 * would break.
 */
export const VIEW_KEYS: Record<string, string[][]> = {
  call_log_attributed: [['account_id', 'id']],
  message_attributed: [['account_id', 'id']],
  dim_extension_current: [['extension_key'], ['account_id', 'extension_id']],
};

export const VIEW_NOT_NULL: Record<string, string[]> = {
  call_log_attributed: ['account_id', 'id', 'start_time', 'deleted'],
  message_attributed: ['account_id', 'id', 'extension_id'],
  dim_extension_current: ['extension_key', 'account_id', 'extension_id', 'valid_from', 'valid_to'],
};

/**
 * Columns holding an API enum: `relation.column` -> [response schema in the OpenAPI subset,
 * property of a record]. A value outside the spec warns (RingCentral adds values over time)
 * rather than failing the build.
 */
export const API_ENUMS: Record<string, [schema: string, property: string]> = {
  'call_log_record.direction': ['callLog', 'direction'],
  'call_log_record.type': ['callLog', 'type'],
  'call_log_record.action': ['callLog', 'action'],
  'call_log_record.result': ['callLog', 'result'],
  'message.type': ['messageStore', 'type'],
  'message.direction': ['messageStore', 'direction'],
  'message.availability': ['messageStore', 'availability'],
  'message.message_status': ['messageStore', 'messageStatus'],
  'message.read_status': ['messageStore', 'readStatus'],
};
