export interface ErrorDetail {
  path: string;
  message: string;
}

/** The one error type routes and commands throw; the error middleware renders it as API.md says. */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const badRequest = (code: string, message: string, details: ErrorDetail[] = []) =>
  new AppError(code, 400, message, details);
export const validationFailed = (details: ErrorDetail[]) =>
  new AppError("validation_failed", 400, "The request is not valid.", details);
export const unauthenticated = (message = "Authentication is required.") =>
  new AppError("unauthenticated", 401, message);
export const forbidden = (message = "You are not allowed to do this.") => new AppError("forbidden", 403, message);
/** The client IP is on the admin blocklist (login, register: API.md v1.1). */
export const blocked = () => new AppError("blocked", 403, "Requests from this address are blocked.");
export const notFound = (what = "resource") => new AppError("not_found", 404, `The ${what} was not found.`);
export const conflict = (code: string, message: string) => new AppError(code, 409, message);
export const rateLimited = (retryAfterSeconds: number) =>
  new AppError("rate_limited", 429, "Too many requests; try again later.", [], {
    "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });
/** A required service (PostgreSQL) is unreachable: the client should retry shortly (API.md v1.1). */
export const serviceUnavailable = (service = "database", retryAfterSeconds = 5) =>
  new AppError(
    "service_unavailable",
    503,
    `A service this request needs (${service}) is unavailable right now; retry shortly.`,
    [],
    { "Retry-After": String(retryAfterSeconds) },
  );
