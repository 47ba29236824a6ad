// URL → route table. Every route names its RingCentral usage-plan group.

import { apiVersionsHandler } from './api-versions';
import {
  callLogHandler, directoryHandler, extensionHandler, extensionListHandler, messageStoreHandler, messageSyncHandler,
} from './handlers';
import { ACCOUNT_PATH, type Route } from './route';
import { EXPORT_AND_SYNC_ROUTES } from './routes-request-plan';

export type { Route } from './route';

const acct = ACCOUNT_PATH;

export const ROUTES: readonly Route[] = [
  { name: 'api-versions', re: /^\/restapi\/?$/, method: 'GET', group: 'NoThrottling', kind: 'public', handler: apiVersionsHandler },
  { name: 'token', re: /^\/restapi\/oauth\/token\/?$/, method: 'POST', group: 'Auth', kind: 'token' },
  { name: 'revoke', re: /^\/restapi\/oauth\/revoke\/?$/, method: 'POST', group: 'Auth', kind: 'revoke' },
  { name: 'wstoken', re: /^\/restapi\/oauth\/wstoken\/?$/, method: 'POST', group: 'Auth', kind: 'wstoken', permission: 'WebSocketsSubscription' },
  { name: 'call-log', re: new RegExp(`${acct}/call-log/?$`), method: 'GET', group: 'Heavy', kind: 'api', permission: 'ReadCallLog', handler: callLogHandler },
  { name: 'extension-list', re: new RegExp(`${acct}/extension/?$`), method: 'GET', group: 'Medium', kind: 'api', permission: 'ReadAccounts', handler: extensionListHandler },
  { name: 'extension', re: new RegExp(`${acct}/extension/([^/]+)/?$`), method: 'GET', group: 'Light', kind: 'api', permission: 'ReadAccounts', handler: extensionHandler },
  { name: 'message-store', re: new RegExp(`${acct}/extension/([^/]+)/message-store/?$`), method: 'GET', group: 'Light', kind: 'api', permission: 'ReadMessages', handler: messageStoreHandler },
  { name: 'message-sync', re: new RegExp(`${acct}/extension/([^/]+)/message-sync/?$`), method: 'GET', group: 'Light', kind: 'api', permission: 'ReadMessages', handler: messageSyncHandler },
  ...EXPORT_AND_SYNC_ROUTES,
  { name: 'directory', re: new RegExp(`${acct}/directory/entries/?$`), method: 'GET', group: 'Medium', kind: 'api', permission: 'ReadAccounts', handler: directoryHandler },
];

export interface RouteMatch {
  route: Route;
  accountId?: string;
  extensionId?: string;
  params: string[];
}

export function matchRoute(pathname: string): RouteMatch | undefined {
  for (const route of ROUTES) {
    const m = route.re.exec(pathname);
    if (m) {
      return {
        route,
        accountId: m[1] !== undefined ? decodeURIComponent(m[1]) : undefined,
        extensionId: m[2] !== undefined && !route.pathParams ? decodeURIComponent(m[2]) : undefined,
        params: m.slice(2).map((p) => decodeURIComponent(p)),
      };
    }
  }
  return undefined;
}
