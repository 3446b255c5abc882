import { describe, expect, it } from "vitest";

import { SignetError } from "@signet/core";

import { ControllerApiError, isRateLimited } from "../cluster/controller-api.js";
import { rotatePaced } from "./reseal-engines.js";

// `signet reseal` through the controller waits out rate limits, recognised by the HTTP status the
// controller API client carries, never by the words of a message.

/** A call failing with `errors` in turn, then answering "rotated"; counts its calls and waits. */
function scripted(errors: Error[]) {
  const waits: number[] = [];
  let calls = 0;
  return {
    call: () => {
      const err = errors[calls++];
      return err === undefined ? Promise.resolve("rotated") : Promise.reject(err);
    },
    sleep: (ms: number) => (waits.push(ms), Promise.resolve()),
    calls: () => calls,
    waits,
  };
}

const limited = (): ControllerApiError =>
  new ControllerApiError(429, "cannot re-encrypt secret: limit exceeded");

describe("rotatePaced", () => {
  it("waits and retries while the controller answers 429, then returns its answer", async () => {
    const s = scripted([limited(), limited()]);
    expect(await rotatePaced(s.call, isRateLimited, s.sleep)).toBe("rotated");
    expect(s.calls()).toBe(3);
    expect(s.waits).toEqual([250, 500]);
  });

  it.each<[string, Error]>([
    ["a server error", new ControllerApiError(500, "cannot re-encrypt secret: boom")],
    [
      "an unreachable controller",
      new ControllerApiError(503, "cannot re-encrypt secret: no endpoints"),
    ],
    ["a message that only says Too Many Requests", new Error("Too Many Requests")],
    [
      "a message that only says limit exceeded",
      new SignetError("ERR_CERT_FETCH", "limit exceeded"),
    ],
  ])("fails at once on %s", async (_, err) => {
    const s = scripted([err]);
    await expect(rotatePaced(s.call, isRateLimited, s.sleep)).rejects.toBe(err);
    expect(s.calls()).toBe(1);
    expect(s.waits).toEqual([]);
  });

  it("gives up after its last wait with the last refusal", async () => {
    const refusals = Array.from({ length: 20 }, limited);
    const s = scripted(refusals);
    await expect(rotatePaced(s.call, isRateLimited, s.sleep)).rejects.toBe(refusals[12]);
    expect(s.calls()).toBe(13);
    expect(s.waits.reduce((a, b) => a + b, 0)).toBe(46_750);
  });
});
