// Every workflow the worker registers. Workflow code runs in Temporal's deterministic
// sandbox: no I/O, no clocks, no randomness here; activities do all of that.
export { checkWorkflow } from './check';
export { accountSyncWorkflow } from './account-sync';
export { messageFanOutWorkflow } from './message-fan-out';
export { messageExportWorkflow } from './message-export';
export { backfillWorkflow, callLogBackfillWorkflow } from './backfill';
export { pushWorkflow } from './push';
