import { pino } from "pino";
import type { Logger as PinoLogger } from "pino";

import type { LogLevel } from "./config.js";

/**
 * The controller's logger (spec §4.10): pino underneath, the reference's switches on top —
 * `--log-format json` gives one JSON object per line, anything else slog-style `key=value` text;
 * with `--log-info-stdout` (default) records up to INFO go to stdout and WARN/ERROR to stderr,
 * otherwise everything goes to stderr. Callers log names and codes, never secret material.
 */
export interface LogSink {
  write(line: string): unknown;
}

export interface LoggingOptions {
  level: LogLevel;
  format: "text" | "json";
  infoToStdout: boolean;
  stdout: LogSink;
  stderr: LogSink;
}

const LEVEL_NAMES: Readonly<Record<number, string>> = {
  10: "DEBUG",
  20: "DEBUG",
  30: "INFO",
  40: "WARN",
  50: "ERROR",
  60: "ERROR",
};

/** Creates the logger; `stdout`/`stderr` are ports so tests capture the lines. */
export function createLogger(options: LoggingOptions): PinoLogger {
  const wrap = (sink: LogSink): LogSink =>
    options.format === "json" ? sink : { write: (line) => sink.write(slogText(line)) };
  const streams = options.infoToStdout
    ? [
        { level: "trace" as const, stream: wrap(options.stdout) },
        { level: "warn" as const, stream: wrap(options.stderr) },
      ]
    : [{ level: "trace" as const, stream: wrap(options.stderr) }];
  return pino(
    {
      level: options.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (_label, number) => ({ level: LEVEL_NAMES[number] ?? "INFO" }) },
    },
    pino.multistream(streams, { dedupe: true }),
  );
}

/**
 * Renders one pino JSON line as Go slog's TextHandler would: `time=… level=… msg=…` then the
 * other fields in order; values with spaces, quotes or `=` are quoted.
 */
export function slogText(jsonLine: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine;
  }
  const { time, level, msg, ...rest } = record;
  const fields: [string, unknown][] = [
    ["time", time],
    ["level", level],
    ["msg", msg ?? ""],
    ...Object.entries(rest),
  ];
  return `${fields
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${textValue(v)}`)
    .join(" ")}\n`;
}

function textValue(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text === "" || /[\s"=\\]/.test(text) || /[^\x20-\x7e]/.test(text)
    ? JSON.stringify(text)
    : text;
}
