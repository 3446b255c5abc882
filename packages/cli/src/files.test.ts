import { describe, expect, it } from "vitest";

import { describeFsError, readFileOrFail } from "./files.js";
import { memoryIo } from "./test-support/memory-io.js";

describe("readFileOrFail", () => {
  it("returns the bytes of a file", async () => {
    const io = memoryIo({ files: { "a.pem": "A" } });
    expect((await readFileOrFail(io, "a.pem")).toString()).toBe("A");
  });

  it.each([
    ["open", undefined, "open missing.pem: no such file or directory"],
    ["a flag", "--from-file", "--from-file missing.pem: no such file or directory"],
  ])("words a failure as Go's *PathError (%s)", async (_, op, message) => {
    const read = readFileOrFail(memoryIo({}), "missing.pem", op);
    await expect(read).rejects.toThrow(message);
    await expect(read).rejects.toMatchObject({ code: "ERR_IO" });
  });
});

describe("describeFsError", () => {
  it.each([
    ["ENOENT", "no such file or directory"],
    ["EACCES", "permission denied"],
    ["EISDIR", "is a directory"],
    ["ENOTDIR", "not a directory"],
    ["ELOOP", "too many levels of symbolic links"],
    ["EROFS", "read-only file system"],
    ["ENOSPC", "no space left on device"],
    ["EIO", "input/output error"],
  ])("%s reads as Go's %j", (code, text) => {
    expect(describeFsError(Object.assign(new Error("x"), { code }))).toBe(text);
  });

  it("keeps the message of any other error", () => {
    expect(
      describeFsError(Object.assign(new Error("ESTRANGE: unheard of"), { code: "ESTRANGE" })),
    ).toBe("ESTRANGE: unheard of");
    // Not a code of Object.prototype either.
    expect(describeFsError(Object.assign(new Error("odd"), { code: "toString" }))).toBe("odd");
  });
});
