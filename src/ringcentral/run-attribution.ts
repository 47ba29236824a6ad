/** Which workflow a request is sent for: the activity's, so the governor can count it to its run. */
import { Context } from '@temporalio/activity';

/** The running activity's workflow id; undefined outside an activity (CLI, health checks, tests). */
export function currentWorkflowId(): string | undefined {
  try {
    return Context.current().info.workflowExecution?.workflowId;
  } catch {
    return undefined;
  }
}
