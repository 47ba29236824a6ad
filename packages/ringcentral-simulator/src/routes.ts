// URL → route table. Every route names its RingCentral usage-plan group.

import {
  callLogHandler, directoryHandler, extensionHandler, extensionListHandler, messageStoreHandler, messageSyncHandler,
  type Body, type Core, type HandlerReq,
} from './handlers';
import type { RateGroup } from './types';

export interface Route {
  name: string;
  re: RegExp;
  method: 'GET' | 'POST';
  group: RateGroup;
  /** 'wstoken': Bearer-authenticated, answered by the push hub (server.wsToken). */
  kind: 'api' | 'token' | 'revoke' | 'wstoken';
  /** App permission the endpoint needs (x-app-permission in the spec); named by the '403' fault. */
  permission?: string;
  handler?: (core: Core, r: HandlerReq) => Body;
}

const acct = '^/restapi/v1\\.0/account/([^/]+)';

export const ROUTES: readonly Route[] = [
  { name: 'token', re: /^\/restapi\/oauth\/token\/?$/, method: 'POST', group: 'Auth', kind: 'token' },
  { name: 'revoke', re: /^\/restapi\/oauth\/revoke\/?$/, method: 'POST', group: 'Auth', kind: 'revoke' },
  { name: 'wstoken', re: /^\/restapi\/oauth\/wstoken\/?$/, method: 'POST', group: 'Auth', kind: 'wstoken', permission: 'WebSocketsSubscription' },
  { name: 'call-log', re: new RegExp(`${acct}/call-log/?$`), method: 'GET', group: 'Heavy', kind: 'api', permission: 'ReadCallLog', handler: callLogHandler },
  { name: 'extension-list', re: new RegExp(`${acct}/extension/?$`), method: 'GET', group: 'Medium', kind: 'api', permission: 'ReadAccounts', handler: extensionListHandler },
  { name: 'extension', re: new RegExp(`${acct}/extension/([^/]+)/?$`), method: 'GET', group: 'Light', kind: 'api', permission: 'ReadAccounts', handler: extensionHandler },
  { name: 'message-store', re: new RegExp(`${acct}/extension/([^/]+)/message-store/?$`), method: 'GET', group: 'Light', kind: 'api', permission: 'ReadMessages', handler: messageStoreHandler },
  { name: 'message-sync', re: new RegExp(`${acct}/extension/([^/]+)/message-sync/?$`), method: 'GET', group: 'Light', kind: 'api', permission: 'ReadMessages', handler: messageSyncHandler },
  { name: 'directory', re: new RegExp(`${acct}/directory/entries/?$`), method: 'GET', group: 'Medium', kind: 'api', permission: 'ReadAccounts', handler: directoryHandler },
];

export interface RouteMatch {
  route: Route;
  accountId?: string;
  extensionId?: string;
}

export function matchRoute(pathname: string): RouteMatch | undefined {
  for (const route of ROUTES) {
    const m = route.re.exec(pathname);
    if (m) {
      return {
        route,
        accountId: m[1] !== undefined ? decodeURIComponent(m[1]) : undefined,
        extensionId: m[2] !== undefined ? decodeURIComponent(m[2]) : undefined,
      };
    }
  }
  return undefined;
}
