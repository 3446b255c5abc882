import { describe, expect, it, vi } from "vitest";

import { GoSlice } from "../value.js";
import { deepEqual } from "./collections.js";

describe("deepEqual", () => {
  it("reads each window of a long list once, not once per element", () => {
    const backing = Array.from({ length: 1000 }, (_, i) => `v${i}`);
    const a = new GoSlice(backing).window(0, 999);
    const b = new GoSlice(backing).window(0, 999);
    const items = vi.spyOn(GoSlice.prototype, "items", "get");
    try {
      expect(deepEqual(a, b)).toBe(true);
      // Each access copies the window: once per element made the comparison quadratic.
      expect(items.mock.calls.length).toBeLessThanOrEqual(4);
    } finally {
      items.mockRestore();
    }
  });
});
