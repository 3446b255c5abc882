import { describe, expect, it } from "vitest";

import { createLogger, slogText } from "./logging.js";
import type { LoggingOptions } from "./logging.js";

function capture(over: Partial<LoggingOptions> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const log = createLogger({
    level: "info",
    format: "text",
    infoToStdout: true,
    stdout: { write: (l) => out.push(l) },
    stderr: { write: (l) => err.push(l) },
    ...over,
  });
  return { log, out, err };
}

describe("logging", () => {
  it("sends INFO to stdout and WARN/ERROR to stderr by default", () => {
    const { log, out, err } = capture();
    log.info("started");
    log.warn("careful");
    log.error("broken");
    expect(out.map((l) => /msg=(\S+)/.exec(l)?.[1])).toEqual(["started"]);
    expect(err.map((l) => /msg=(\S+)/.exec(l)?.[1])).toEqual(["careful", "broken"]);
  });

  it("sends everything to stderr with --log-info-stdout=false", () => {
    const { log, out, err } = capture({ infoToStdout: false });
    log.info("a");
    log.error("b");
    expect([out.length, err.length]).toEqual([0, 2]);
  });

  it("drops records below the level", () => {
    const { log, out } = capture({ level: "warn" });
    log.info("quiet");
    expect(out).toEqual([]);
  });

  it("writes slog-style text with upper-case levels", () => {
    const { log, out } = capture({ level: "debug" });
    log.debug({ secret: "sealed-secrets-keyab1cd" }, "registered private key");
    expect(out[0]).toMatch(
      /^time=\S+ level=DEBUG msg="registered private key" secret=sealed-secrets-keyab1cd\n$/,
    );
  });

  it("writes one JSON object per line with --log-format json", () => {
    const { log, out } = capture({ format: "json" });
    log.info({ namespace: "kube-system" }, "New key written");
    expect(JSON.parse(out[0]!)).toMatchObject({
      level: "INFO",
      msg: "New key written",
      namespace: "kube-system",
    });
  });

  it.each<[Record<string, unknown>, string]>([
    [{ time: "t", level: "INFO", msg: "hi" }, "time=t level=INFO msg=hi\n"],
    [{ time: "t", level: "INFO", msg: "a b", k: "x=y" }, 'time=t level=INFO msg="a b" k="x=y"\n'],
    [
      { time: "t", level: "INFO", msg: "m", n: 3, o: { a: 1 } },
      'time=t level=INFO msg=m n=3 o="{\\"a\\":1}"\n',
    ],
  ])("formats %j as slog text", (record, text) => {
    expect(slogText(JSON.stringify(record))).toBe(text);
  });
});
