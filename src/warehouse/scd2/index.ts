export { mergeExtensionDimension, DimensionMergeRefused } from './merge';
export { pruneMergedSnapshots, DEFAULT_SNAPSHOT_RETENTION_DAYS } from './snapshot-retention';
