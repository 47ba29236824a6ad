// Routes of the account-level "request plan" APIs: company call-log-sync and the message-store
// export (message-store-report). Kept apart from routes.ts so the table there stays small.
// Groups and permissions are the spec's x-throttling-group / x-app-permission.

import { callLogSyncHandler } from './call-log-sync';
import { archiveContentHandler, archiveListHandler, createExportHandler, exportTaskHandler } from './export-handlers';
import { ACCOUNT_PATH, type Route } from './route';

const report = `${ACCOUNT_PATH}/message-store-report`;

export const EXPORT_AND_SYNC_ROUTES: readonly Route[] = [
  { name: 'call-log-sync', re: new RegExp(`${ACCOUNT_PATH}/call-log-sync/?$`), method: 'GET', group: 'Heavy', kind: 'api', permission: 'ReadCallLog', handler: callLogSyncHandler },
  { name: 'message-store-report', re: new RegExp(`${report}/?$`), method: 'POST', group: 'Heavy', kind: 'api', permission: 'ReadMessages', handler: createExportHandler, status: 202 },
  { name: 'message-store-report-task', re: new RegExp(`${report}/([^/]+)/?$`), method: 'GET', group: 'Heavy', kind: 'api', permission: 'ReadMessages', handler: exportTaskHandler, pathParams: ['taskId'] },
  { name: 'message-store-report-archives', re: new RegExp(`${report}/([^/]+)/archive/?$`), method: 'GET', group: 'Heavy', kind: 'api', permission: 'ReadMessages', handler: archiveListHandler, pathParams: ['taskId'] },
  { name: 'message-store-report-archive', re: new RegExp(`${report}/([^/]+)/archive/([^/]+)/?$`), method: 'GET', group: 'Heavy', kind: 'api', permission: 'ReadMessages', handler: archiveContentHandler, pathParams: ['taskId', 'archiveId'] },
];
