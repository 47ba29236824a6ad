// What a route is: path pattern, method, RingCentral usage-plan group, permission and handler.
// Its own module so route tables in several files can share it without an import circle.

import type { Body, Core, HandlerReq } from './handlers';
import type { RateGroup } from './types';

/** `/restapi/v1.0/account/{accountId}` as a pattern; the account id is capture 1. */
export const ACCOUNT_PATH = '^/restapi/v1\\.0/account/([^/]+)';

interface RouteBase {
  name: string;
  re: RegExp;
  method: 'GET' | 'POST';
  /** App permission the endpoint needs (x-app-permission in the spec); named by the '403' fault. */
  permission?: string;
  /** Answers a JSON body, or `{ contentType, data: Buffer }` for a download (the export's ZIPs). */
  handler?: (core: Core, r: HandlerReq) => Body;
  /** Names of the path's captures after the account id when they are not an extension id. */
  pathParams?: readonly string[];
  /** Success status when not 200 (202 for task creation). */
  status?: number;
}

/** Authenticated (Bearer, or the client's Basic for token/revoke) and counted in its group's window. */
export interface ThrottledRoute extends RouteBase {
  group: RateGroup;
  /** 'wstoken': Bearer-authenticated, answered by the push hub (server.wsToken). */
  kind: 'api' | 'token' | 'revoke' | 'wstoken';
}

/** x-auth-required: false, x-throttling-group: NoThrottling — answered to anyone, outside every window. */
export interface PublicRoute extends RouteBase {
  group: 'NoThrottling';
  kind: 'public';
  handler: (core: Core, r: HandlerReq) => Body;
}

export type Route = ThrottledRoute | PublicRoute;
