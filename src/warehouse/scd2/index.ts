export { mergeExtensionDimension, DimensionMergeRefused } from './merge';
