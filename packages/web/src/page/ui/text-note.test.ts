import { describe, expect, it } from "vitest";

import { textNote } from "./items-editor.js";

describe("the note under a typed value", () => {
  it.each([
    ["", ""],
    ["a", "1 byte"],
    ["hunter2", "7 bytes"],
    ["é", "2 bytes"],
    ["pass\n", "5 bytes, ends with a line break"],
    [" pass", "5 bytes, starts or ends with a space"],
    ["pass ", "5 bytes, starts or ends with a space"],
    ["line one\nline two", "17 bytes"],
  ])("says %j is %j", (text, note) => {
    expect(textNote(text)).toBe(note);
  });
});
