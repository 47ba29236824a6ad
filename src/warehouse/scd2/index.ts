export {
  mergeExtensionDimension,
  DimensionMergeRefused,
  type MergeExtensionDimensionInput,
  type MergeExtensionDimensionResult,
  type MergeRefusalReason,
} from './merge';
export { TRACKED_ATTRIBUTES, TRACKED_COLUMNS, type TrackedAttribute } from './attributes';
