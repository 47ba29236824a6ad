// RingCentral error bodies. Platform errors: {errorCode, message, errors:[{errorCode, message, ...}]}
// (legacy top-level code + the errors[] list, per the API's "Error Codes" section).
// OAuth errors: {error, error_description, errors:[{errorCode, message}]}.

export type RcErrorBody = {
  errorCode: string;
  message: string;
  errors: Array<{ errorCode: string; message: string; parameterName?: string; parameterValue?: string }>;
};

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(String(body.message ?? body.error_description ?? status));
  }
}

export function rcError(errorCode: string, message: string, extra: { parameterName?: string; parameterValue?: string } = {}): RcErrorBody {
  return { errorCode, message, errors: [{ errorCode, message, ...extra }] };
}

export function oauthError(error: string, description: string, errorCode: string): Record<string, unknown> {
  return { error, error_description: description, errors: [{ errorCode, message: description }] };
}

export const invalidParam = (name: string, value?: string): ApiError =>
  new ApiError(400, rcError('CMN-101', `Parameter [${name}] value is invalid.`, {
    parameterName: name,
    ...(value !== undefined ? { parameterValue: value } : {}),
  }));

export const notFoundParam = (name: string, value?: string): ApiError =>
  new ApiError(404, rcError('CMN-102', `Resource for parameter [${name}] is not found`, {
    parameterName: name,
    ...(value !== undefined ? { parameterValue: value } : {}),
  }));

export const invalidUri = (): ApiError => new ApiError(404, rcError('CMN-120', 'Invalid URI'));

export const methodNotAllowed = (method: string, allow: string[]): ApiError =>
  new ApiError(405, rcError('CMN-120', `Method [${method}] is not allowed for this resource`), { Allow: allow.join(', ') });

export const rateExceeded = (): RcErrorBody => rcError('CMN-301', 'Request rate exceeded');

export const tokenErrors = {
  expired: (): ApiError => new ApiError(401, rcError('OAU-128', 'Access token expired')),
  corrupted: (): ApiError => new ApiError(401, rcError('OAU-129', 'Access token corrupted')),
  invalid: (): ApiError => new ApiError(401, rcError('OAU-149', 'Invalid token')),
  method: (): ApiError => new ApiError(401, rcError('OAU-151', 'Authorization method not supported')),
};

export const serverErrors = {
  unavailable: (): RcErrorBody => rcError('CMN-201', 'Service Temporary Unavailable'),
  internal: (): RcErrorBody => rcError('CMN-203', 'Internal Server Error'),
};

export const syncTokenInvalid = (): ApiError =>
  new ApiError(400, rcError('MSG-333', 'Parameter [syncToken] value is invalid', { parameterName: 'syncToken' }));

/** A message store or message-sync of an extension type that has no mailbox (e.g. an IVR menu). */
export const noMailbox = (): ApiError => new ApiError(403, rcError('MSG-314', 'Extension is of inappropriate type'));
