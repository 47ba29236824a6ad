export {
  mergeExtensionDimension,
  DimensionMergeRefused,
  type MergeExtensionDimensionInput,
  type MergeExtensionDimensionResult,
  type MergeRefusalReason,
} from './merge';
export { TRACKED_ATTRIBUTES, TRACKED_COLUMNS, type TrackedAttribute } from './attributes';
export { pruneMergedSnapshots, DEFAULT_SNAPSHOT_RETENTION_DAYS, type PruneSnapshotsResult } from './snapshot-retention';
