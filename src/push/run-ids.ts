/** How push micro-syncs are named, so the sync slot can tell them from scheduled syncs (pure: used by workflows and activities). */

/** The workflow id of the push workflow's `n`th micro-sync. */
export const microSyncWorkflowId = (pushWorkflowId: string, firstExecutionRunId: string, n: number): string => `${pushWorkflowId}/micro-${firstExecutionRunId}-${n}`;

/** A push micro-sync's run (a sync run id is `<workflow id>/<first execution run id>`). */
export const isMicroSync = (syncRunId: string): boolean => syncRunId.includes('/micro-');
