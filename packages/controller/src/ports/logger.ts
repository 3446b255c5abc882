/** `--log-level` (Go slog's levels). */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Structured logger (pino's call shape). Callers never pass secret material. */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
