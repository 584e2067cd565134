/**
 * Errors that cross a boundary (HTTP, CLI) carry a stable `code` and a French `message`
 * meant for the person using Trousse. Anything else is an internal error: it is logged,
 * and the user only sees a generic message (5xx never leak internals).
 */
export class AppError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, statusCode = 400, details?: Record<string, unknown>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.statusCode = statusCode;
    this.details = details;
  }
}

/** A startup failure: printed as one clear line by the CLI, which then exits non-zero. */
export class StartupError extends AppError {
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(code, message, 500, details);
    this.name = 'StartupError';
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
