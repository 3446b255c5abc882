import { describe, expect, it } from "vitest";

import { createLogger, slogText } from "./logger.js";

function capture(options: { format: "text" | "json"; infoToStdout: boolean }) {
  const out: string[] = [];
  const err: string[] = [];
  const log = createLogger({
    level: "debug",
    ...options,
    stdout: { write: (t: string) => out.push(t) },
    stderr: { write: (t: string) => err.push(t) },
  });
  return { log, out, err };
}

describe("controller logger", () => {
  it("writes INFO and below to stdout, WARN and ERROR to stderr, each once", () => {
    const { log, out, err } = capture({ format: "json", infoToStdout: true });
    log.debug({}, "d");
    log.info({}, "i");
    log.warn({}, "w");
    log.error({}, "e");
    expect(out.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(["d", "i"]);
    expect(err.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(["w", "e"]);
  });

  it("writes everything to stderr with --log-info-stdout=false", () => {
    const { log, out, err } = capture({ format: "json", infoToStdout: false });
    log.info({}, "i");
    log.error({}, "e");
    expect(out).toEqual([]);
    expect(err).toHaveLength(2);
  });

  it("renders slog's text format", () => {
    const { log, out } = capture({ format: "text", infoToStdout: true });
    log.info({ namespace: "ns", name: "a b", n: 2 }, "New key written");
    expect(out[0]).toMatch(
      /^time=\d{4}-\d\d-\d\dT[\d:.]+Z level=INFO msg="New key written" namespace=ns name="a b" n=2\n$/,
    );
    expect(slogText("not json")).toBe("not json");
  });
});
