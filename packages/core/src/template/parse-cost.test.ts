import { describe, expect, it } from "vitest";

import { parseSteps } from "./parse-cost.js";

const action = (text: string): number => 64 + 2 * text.length;

describe("the steps a template's parse is charged", () => {
  it.each([
    ["plain text, free", "hello, world", 0],
    ["one action and its bytes", "a{{ .x }}b", action("{{ .x }}")],
    ["an action past a string holding }}", '{{ print "}}" 1 }}', action('{{ print "}}" 1 }}')],
    ["an action past an escaped quote", '{{ print "\\"}}" 1 }}', action('{{ print "\\"}}" 1 }}')],
    ["an action past a raw string holding }}", "{{ print `}}` 1 }}", action("{{ print `}}` 1 }}")],
    ["an action past a character constant", "{{ print '}' 1 }}", action("{{ print '}' 1 }}")],
    ["a comment holding }}", "{{/* }} */}}x", action("{{/* }} */}}")],
    ["a trimmed comment holding }}", "{{- /* }} */ -}}x", action("{{- /* }} */ -}}")],
    ["an action never closed, to the end", "x{{ .y", action("{{ .y")],
  ])("%s", (_, source, steps) => {
    expect(parseSteps(source)).toBe(steps);
  });
});
