import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import {
  checkTemplates,
  DEFAULT_TEMPLATE_BUDGET,
  renderTemplates,
  templateFunctionNames,
} from "./index.js";

const NOW = new Date("2024-05-01T12:34:56.789Z");
const values = {
  user: Buffer.from("admin"),
  password: Buffer.from("p@ss w0rd"),
  binary: Uint8Array.from([0xff, 0x00, 0xfe]),
  utf8: Buffer.from("héllo"),
};

function render(template: string): string {
  const { data, failures } = renderTemplates({ k: template }, values, { now: () => NOW });
  expect(failures).toEqual([]);
  return Buffer.from(data.k ?? new Uint8Array()).toString("latin1");
}

describe("renderTemplates", () => {
  it.each([
    ["a plain value", "{{ .user }}", "admin"],
    ["a missing key", "{{ .nope }}", "<no value>"],
    ["a missing key through index", '{{ index . "nope" }}|', "|"],
    ["a dashed key through index", '{{ index . "user" }}', "admin"],
    ["byte length of UTF-8", "{{ len .utf8 }}", "6"],
    ["byte length of non-UTF-8", "{{ len .binary }}", "3"],
    ["byte-exact base64 of non-UTF-8", "{{ b64enc .binary }}", "/wD+"],
    ["raw bytes of non-UTF-8", "{{ .binary }}", "\xff\x00\xfe"],
    ["UTF-8 output of literals", '{{ "é" }}', "\xc3\xa9"],
    ["toJson embedding", "{{ toJson .password }}", '"p@ss w0rd"'],
    [
      "sorted map iteration",
      "{{ range $k, $v := . }}{{ $k }} {{ end }}",
      "binary password user utf8 ",
    ],
    ["printf", '{{ printf "%05.1f|%-4s|%x" 3.14159 "ab" "hi" }}', "003.1|ab  |6869"],
    ["trim markers", "a  {{- .user -}}  b", "aadminb"],
    ["a fixed clock", '{{ now | date "2006-01-02T15:04:05Z07:00" }}', "2024-05-01T12:34:56Z"],
    ["one instant per render", "{{ eq (now).UnixNano (now).UnixNano }}", "true"],
    [
      "define and template",
      '{{ define "x" }}<{{ . }}>{{ end }}{{ template "x" .user }}',
      "<admin>",
    ],
    // fmt's fmtInteger: zero padding is precision, then the prefix and sign go in front.
    ["%#08x as Go pads it", '{{ printf "%#08x|%08O|%+.0d|" 255 8 0 }}', "0x000000ff|0o00000010||"],
    // fmt's argNumber: an index past the operands is BADINDEX, not MISSING.
    ["a bad argument index", '{{ printf "%[3]d|%[1]2d" 1 2 }}', "%!d(BADINDEX)|%!d(BADINDEX)"],
    ["%w outside Errorf", '{{ printf "%w" (list 1) }}', "%!w([]interface {}=[1])"],
    // goutils' SwapCase gives a lower-case rune at a word start its title case.
    ["swapcase of digraphs", '{{ swapcase "ǆx ǆ" }}', "\xc7\x85X \xc7\x85"],
    ["a field of a nil reached through a pipeline", "{{ ((dict).a).b }}", "<no value>"],
    // sprig's sortAlpha sorts a []string in place: the variable, and slices of it, see the order.
    [
      "sortAlpha of a []string in place",
      '{{ $l := splitList "," "d,c,b,a" }}{{ $s := slice $l 2 }}{{ $_ := sortAlpha $s }}{{ $l }}|{{ $_ := sortAlpha $l }}{{ $s }}',
      "[d c a b]|[c d]",
    ],
    ["a day of the year", '{{ toDate "2006-002" "2024-060" | date "Jan 2" }}', "Feb 29"],
    // fromJson keeps what Unmarshal decoded: a number out of range is nil, the rest stays.
    ["a JSON number out of range", '{{ fromJson "[1e400, 2]" | toJson }}', "[null,2]"],
  ])("renders %s", (_name, template, expected) => {
    expect(render(template)).toBe(expected);
  });

  it.each([
    ["a field of a nil map value", '{{ (dict "a" nil).a.b }}'],
    ["a field of a nil list element", "{{ range list nil }}{{ .b }}{{ end }}"],
    ["a field of a nil range variable", '{{ range $k, $v := dict "a" nil }}{{ $v.b }}{{ end }}'],
  ])("fails on %s, as Go's nil interface does", (_name, template) => {
    const { failures } = renderTemplates({ k: template }, values, { now: () => NOW });
    expect(failures.map((f) => f.code)).toEqual(["ERR_TEMPLATE_EXEC"]);
    expect(failures[0]?.message).toContain("nil pointer evaluating interface {}.b");
  });

  it.each([
    [false, "ERR_TEMPLATE_DATA_DEPENDENT"],
    [true, "ERR_TEMPLATE_EXEC"],
  ])(
    "renders every key and reports failures per key (data-dependent allowed: %s)",
    (allowDataDependent, indexCode) => {
      const { data, failures } = renderTemplates(
        {
          good: "{{ .user }}",
          bad: "{{ .user | nosuch }}",
          worse: "{{ index .user 99 }}",
          worst: "{{ index (list) 99 }}",
        },
        values,
        { now: () => NOW, allowDataDependent },
      );
      expect(Object.keys(data)).toEqual(["good"]);
      expect(failures.map((f) => [f.key, f.code])).toEqual([
        ["bad", "ERR_TEMPLATE_PARSE"],
        ["worse", indexCode],
        ["worst", "ERR_TEMPLATE_EXEC"],
      ]);
    },
  );

  it("renders pure templates without values", () => {
    const { data } = renderTemplates({ k: "static" }, {}, { now: () => NOW });
    expect(Buffer.from(data.k ?? new Uint8Array()).toString()).toBe("static");
  });

  it("keeps no state between renders", () => {
    const a = renderTemplates(
      { k: '{{ define "x" }}A{{ end }}{{ template "x" }}' },
      {},
      { now: () => NOW },
    );
    const b = renderTemplates({ k: '{{ template "x" }}' }, {}, { now: () => NOW });
    expect(Buffer.from(a.data.k ?? new Uint8Array()).toString()).toBe("A");
    expect(b.failures[0]?.code).toBe("ERR_TEMPLATE_EXEC");
  });

  it("exposes the reference function map without env, expandenv and getHostByName", () => {
    const funcs = new Set(templateFunctionNames());
    expect(funcs.has("b64enc")).toBe(true);
    expect(funcs.has("printf")).toBe(true);
    expect(funcs.size).toBeGreaterThan(200);
    expect(["env", "expandenv", "getHostByName"].filter((f) => funcs.has(f))).toEqual([]);
  });

  it("checks templates without executing them", () => {
    const templates = {
      ok: '{{ fail "x" }}',
      branchy: "{{ fail .x }}",
      bad: '{{ env "HOME" }}',
      worse: "{{ $y }}",
    };
    const codes = (o = {}): string[][] => checkTemplates(templates, o).map((f) => [f.key, f.code]);
    expect(codes()).toEqual([
      ["bad", "ERR_TEMPLATE_PARSE"],
      ["branchy", "ERR_TEMPLATE_DATA_DEPENDENT"],
      ["worse", "ERR_TEMPLATE_PARSE"],
    ]);
    expect(codes({ allowDataDependent: true })).toEqual([
      ["bad", "ERR_TEMPLATE_PARSE"],
      ["worse", "ERR_TEMPLATE_PARSE"],
    ]);
  });

  it("documents its default budget", () => {
    expect(DEFAULT_TEMPLATE_BUDGET).toEqual({
      maxOutputBytes: 1048576,
      maxSteps: 1000000,
      maxDepth: 100,
      maxMillis: 1000,
    });
  });
});
