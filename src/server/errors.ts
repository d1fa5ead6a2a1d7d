import { z } from "zod";
import { ChipGateError, type ErrorCode, type Issue } from "../core/errors.js";

/**
 * Codes the HTTP layer adds to the core's ErrorCode: they describe the request itself (who sent it, how big,
 * how often, when), not its content. docs/http-api.md lists every code with its status.
 */
export const httpErrorCodes = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  HOST_NOT_ALLOWED: 403,
  ORIGIN_NOT_ALLOWED: 403,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  NOT_READY: 503,
} as const;

export type HttpErrorCode = keyof typeof httpErrorCodes;
export type ApiErrorCode = ErrorCode | HttpErrorCode;

const coreStatus: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  NOT_FOUND: 404,
  SCREENING_DATA_INVALID: 400,
  RULE_DATA_INVALID: 500,
  CATALOG_DATA_INVALID: 500,
  // The database behind the trail is unreachable or failing: a retry may succeed, so 503 rather than 500.
  AUDIT_STORE_ERROR: 503,
  // Raised by CLI commands that read a remote source (`rules updates`); an API route reading one would be a
  // gateway to it.
  REMOTE_SOURCE_ERROR: 502,
  INTERNAL: 500,
};

/** An error that becomes one HTTP response in the documented shape. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly issues: readonly Issue[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  get status(): number {
    return this.code in httpErrorCodes
      ? httpErrorCodes[this.code as HttpErrorCode]
      : coreStatus[this.code as ErrorCode];
  }
}

/** The body of every error response. */
export const errorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "Stable code; see docs/http-api.md." }),
      message: z.string(),
      requestId: z.string(),
      issues: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .meta({ description: "One entry per invalid field (400); empty otherwise." }),
    }),
  })
  .meta({ description: "The body of every error response." });
export type ErrorBody = z.infer<typeof errorBody>;

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ChipGateError) return new ApiError(error.code, error.message, error.issues);
  return new ApiError("INTERNAL", "internal error; the request id in this response is in the server log");
}

export function errorJson(error: ApiError, requestId: string): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      requestId,
      issues: error.issues.map((i) => ({ path: i.path, message: i.message })),
    },
  };
}

export { zodIssues } from "../core/issues.js";
