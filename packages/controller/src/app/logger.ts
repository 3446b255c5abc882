import { pino } from "pino";
import type { DestinationStream, Logger as PinoLogger } from "pino";

import type { LogLevel } from "../ports/logger.js";

/**
 * The controller's logger (reference `log.New`, pkg/log/log.go): pino, with the reference's two
 * formats — `json`, or `text` in Go slog's text-handler shape (`time=… level=INFO msg="…"
 * key=value`) — and `--log-info-stdout`: records up to INFO on stdout, WARN and ERROR on stderr
 * (everything on stderr when false). Callers pass names, codes and API error texts; never secret
 * material.
 */
export interface LoggerOptions {
  level: LogLevel;
  format: "text" | "json";
  infoToStdout: boolean;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

const SLOG_LEVEL: Readonly<Record<number, string>> = {
  10: "DEBUG",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "ERROR",
};

/** Renders one pino JSON record as a slog text line. */
export function slogText(record: string): string {
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(record) as Record<string, unknown>;
  } catch {
    return record;
  }
  const { time, level, msg, ...rest } = obj;
  const parts = [
    `time=${new Date(typeof time === "number" ? time : Date.now()).toISOString()}`,
    `level=${SLOG_LEVEL[Number(level)] ?? "INFO"}`,
    `msg=${quote(typeof msg === "string" ? msg : "")}`,
    ...Object.entries(rest).map(
      ([k, v]) => `${k}=${quote(typeof v === "string" ? v : JSON.stringify(v))}`,
    ),
  ];
  return `${parts.join(" ")}\n`;
}

/** slog quotes a value when it is empty or holds spaces, quotes, `=` or control characters. */
function quote(value: string): string {
  return value === "" || /[\s"=\\\p{Cc}]/u.test(value) ? JSON.stringify(value) : value;
}

function stream(
  target: LoggerOptions["stdout"],
  format: LoggerOptions["format"],
): DestinationStream {
  return { write: (line: string) => void target.write(format === "text" ? slogText(line) : line) };
}

export function createLogger(options: LoggerOptions): PinoLogger {
  const out = options.infoToStdout ? options.stdout : options.stderr;
  const streams = pino.multistream(
    [
      { level: "debug", stream: stream(out, options.format) },
      { level: "warn", stream: stream(options.stderr, options.format) },
    ],
    { dedupe: true },
  );
  return pino(
    {
      level: options.level,
      base: undefined,
      messageKey: "msg",
      timestamp: pino.stdTimeFunctions.epochTime,
    },
    streams,
  );
}
