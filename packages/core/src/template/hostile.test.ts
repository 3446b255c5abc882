import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { renderTemplates } from "./index.js";
import type { RenderOptions, TemplateFailure } from "./index.js";

const SECRET = "hunter2-Sup3r$ecret";
const PIN = "73914";
const values = {
  password: Buffer.from(SECRET),
  pin: Buffer.from(PIN),
  badregex: Buffer.from("(["),
  user: Buffer.from("admin"),
};
// The runtime sandbox must hold in the permissive mode too (opacity.test.ts covers the default).
const fixedClock: RenderOptions = {
  now: () => new Date("2024-05-01T00:00:00Z"),
  allowDataDependent: true,
};

function render(template: string, options: RenderOptions = fixedClock) {
  const started = Date.now();
  const result = renderTemplates({ t: template }, values, options);
  return { ...result, elapsed: Date.now() - started };
}

function failureOf(template: string, options?: RenderOptions): TemplateFailure {
  const { failures } = render(template, options);
  expect(failures).toHaveLength(1);
  return failures[0] as TemplateFailure;
}

function text(template: string): string {
  const { data, failures } = render(template);
  expect(failures).toEqual([]);
  return Buffer.from(data.t ?? new Uint8Array()).toString("utf8");
}

describe("budgets", () => {
  it.each([
    ["a huge repeat", '{{ repeat 100000000 "x" }}'],
    ["repeat inside a loop", '{{ range until 10000 }}{{ repeat 1000 "x" }}{{ end }}'],
    ["nested ranges", "{{ range until 10000 }}{{ range until 10000 }}x{{ end }}{{ end }}"],
    ["a huge until", "{{ range until 100000000000 }}{{ end }}"],
    ["a huge untilStep", "{{ len (untilStep 0 1000000000 1) }}"],
    ["a huge range over an integer", "{{ range 1000000000000 }}{{ end }}"],
    ["a huge printf width", '{{ printf "%9999999d" 1 }}'],
    // fmt takes a star width up to 1e6 (above it prints %!(BADWIDTH), as Go does); twice that
    // is over the 1 MiB output budget.
    ["a large printf star width, twice", '{{ range until 2 }}{{ printf "%*d" 999999 1 }}{{ end }}'],
    ["a huge printf precision", '{{ printf "%.9999999f" 1.5 }}'],
    ["unbounded recursion", '{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}'],
    [
      "doubling recursion",
      '{{ define "d" }}{{ template "d" . }}{{ template "d" . }}{{ end }}{{ template "d" }}',
    ],
    ["string doubling", '{{ $s := "x" }}{{ range until 64 }}{{ $s = cat $s $s }}{{ end }}'],
    ["a huge indent", '{{ indent 100000000 "x" }}'],
    ["a huge join", '{{ join (repeat 600000 "y") (list 1 2 3) }}'],
    ["a huge randAlphaNum", "{{ randAlphaNum 100000000 }}"],
    ["polynomial regex backtracking", '{{ regexMatch `\\d+\\d+\\d+x` (repeat 2000 "1") }}'],
    // A fixed count multiplies the repeats it holds: (n+1)^12 paths (V8: minutes on 30 digits).
    ["a counted repeat of a variable one", '{{ regexMatch `(\\d+){12}x` (repeat 30 "1") }}'],
    ["a counted ambiguous alternation", '{{ regexMatch `(a|aa){40}b` (repeat 60 "a") }}'],
    ["quadratic regex on a long value", '{{ regexReplaceAll "a*b" (repeat 200000 "a") "" }}'],
    // Parsing is charged before it starts (1.1-1.4 s and 0.6 s before).
    ["1.4 MB of small actions", '{{ "a" }}'.repeat(155_000)],
    ["a 1.4 MB string literal", `{{ len "${"a".repeat(1_400_000)}" }}`],
    // A `}}` inside a string does not end the action (3.7 s and 0.9 s of parsing, charged nothing).
    ["an action of 1.4 MB after a string holding }}", `{{ print "}}"${" 1".repeat(700_000)} }}`],
    ["a string literal of 1.4 MB holding }}", `{{ len "}}${"a".repeat(1_400_000)}" }}`],
    ["a raw string of 1.4 MB holding }}", `{{ len \`}}${"a".repeat(1_400_000)}\` }}`],
    [
      "46,000 defines",
      Array.from({ length: 46_000 }, (_, i) => `{{ define "t${i}" }}x{{ end }}`).join(""),
    ],
    // A short pattern of many Unicode classes: megabytes of V8 source (7.8-10 s, 598 MB before).
    ["a pattern of 5,000 Unicode classes", '{{ regexMatch (repeat 5000 `\\pL`) "" }}'],
    [
      "a pattern of 1,500 case-folded Unicode classes",
      '{{ regexMatch (cat "(?i)" (repeat 1500 `\\pL`)) "" }}',
    ],
    // Each path compares a hundred characters (10 s in V8 before).
    [
      "two variable repeats before a fixed run of 100",
      '{{ regexMatch `\\d*\\d*0{100}x` (repeat 400 "0") }}',
    ],
    // A list holding the same list twice, twenty times over: a million elements to copy.
    [
      "twenty doublings of a shared list",
      `{{ $a := list "x" }}${"{{ $a = list $a $a }}".repeat(20)}{{ $c := deepCopy $a }}ok`,
    ],
    [
      "a list of a 1 MB string held 32 times",
      `{{ $b := repeat 1000000 "a" }}{{ $c := list${" $b".repeat(32)} | toJson }}`,
    ],
    // 9.7e8 backtracking paths: within the budget at a step per thousand, 1.8-6 s in V8.
    ["two variable repeats over 990 digits", '{{ regexMatch `\\d*\\d*x` (repeat 990 "1") }}'],
  ])("fails %s with ERR_TEMPLATE_BUDGET, quickly", (_name, template) => {
    const started = Date.now();
    const failure = failureOf(template, { ...fixedClock, random: () => new Uint8Array(64) });
    expect(failure.code).toBe("ERR_TEMPLATE_BUDGET");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it.each([
    [
      "\\s+ over a 10 KiB value",
      '{{ regexReplaceAll `\\s+` (repeat 1280 "abc def ") "" | len }}',
      "7680",
    ],
    [
      "four disjoint repeats",
      '{{ regexMatch "[a-z]+-[0-9]+-[a-z]+-[0-9]+" (repeat 400 "ab-12-") }}',
      "true",
    ],
  ])(
    "renders ordinary regular expressions over long values within the budget: %s",
    (_, template, out) => {
      expect(text(template)).toBe(out);
    },
  );

  it("reads the clock right after a call on a large argument", () => {
    // Each call costs 2 steps: without the extra read the clock would wait 128 of them.
    let t = 0;
    const clock = (): Date => new Date((t += 100));
    const call = "{{ $x := atoi $d }}";
    const failure = failureOf(`{{ $d := repeat 100000 "7" }}${call.repeat(20)}`, {
      now: clock,
      budget: { maxMillis: 1000 },
    });
    expect(failure.code).toBe("ERR_TEMPLATE_BUDGET");
    expect(failure.message).toContain("time");
  });

  it("enforces the time budget with the injected clock", () => {
    let t = 0;
    const clock = (): Date => new Date((t += 5));
    const failure = failureOf("{{ range until 50000 }}{{ end }}", {
      now: clock,
      budget: { maxMillis: 50 },
    });
    expect(failure.code).toBe("ERR_TEMPLATE_BUDGET");
    expect(failure.message).toContain("time");
  });

  it("shares one budget across the templates of an object", () => {
    const { data, failures } = renderTemplates(
      { a: '{{ repeat 700 "x" }}', b: '{{ repeat 700 "y" }}' },
      values,
      { ...fixedClock, budget: { maxOutputBytes: 1000 } },
    );
    expect(Object.keys(data)).toEqual(["a"]);
    expect(failures.map((f) => [f.key, f.code])).toEqual([["b", "ERR_TEMPLATE_BUDGET"]]);
  });

  it("fails only the object: the next render starts with a fresh budget", () => {
    failureOf('{{ repeat 100000000 "x" }}');
    expect(text("{{ .user }}")).toBe("admin");
  });

  it("honours a smaller depth budget", () => {
    const tpl =
      '{{ define "r" }}{{ if gt . 0 }}{{ template "r" (sub . 1) }}{{ end }}{{ end }}{{ template "r" 10 }}';
    expect(render(tpl, { ...fixedClock, budget: { maxDepth: 5 } }).failures[0]?.code).toBe(
      "ERR_TEMPLATE_BUDGET",
    );
    expect(render(tpl, { ...fixedClock, budget: { maxDepth: 20 } }).failures).toEqual([]);
  });
});

describe("no quadratic corners on long inputs", () => {
  const long = "1".repeat(200_000);
  const vals = { long: Buffer.from(`${long}x`), spaces: Buffer.from(`${" ".repeat(200_000)}x`) };

  it.each([
    ["a float parse", "{{ float64 .long }}"],
    ["a semver constraint", '{{ semverCompare .long "1.0.0" }}'],
    ["a duration", "{{ duration .long }}{{ now | dateModify .long }}"],
    ["a date layout", "{{ toDate .long .long }}"],
    ["a date format", "{{ now | date .long | len }}"],
    ["uniq of a long list", '{{ uniq (splitList "" (repeat 50000 "a")) | len }}'],
    ["a path", '{{ base (repeat 100000 "/") }}'],
    ["trimmed template text", "{{ .spaces | trim | len }}"],
    ["case mapping of a long non-ASCII value", '{{ repeat 300000 "é" | upper | len }}'],
    ["camelcase of a long value", '{{ repeat 100000 "a_b" | camelcase | len }}'],
  ])("handles %s within the budget and in time", (_name, template) => {
    const started = Date.now();
    const { failures } = renderTemplates({ t: template }, vals, fixedClock);
    expect(Date.now() - started).toBeLessThan(3000);
    for (const f of failures)
      expect(["ERR_TEMPLATE_BUDGET", "ERR_TEMPLATE_EXEC"]).toContain(f.code);
  });

  it.each([
    ["deeply nested ifs", `${"{{ if true }}".repeat(20000)}x${"{{ end }}".repeat(20000)}`],
    ["deeply nested parentheses", `{{ ${"(".repeat(5000)}1${")".repeat(5000)} }}`],
    ["a self-referencing dict printed", '{{ $d := dict }}{{ $_ := set $d "self" $d }}{{ $d }}'],
    [
      "a self-referencing dict serialized",
      '{{ $d := dict }}{{ $_ := set $d "self" $d }}{{ mustToJson $d }}',
    ],
    [
      "a self-referencing dict copied",
      '{{ $d := dict }}{{ $_ := set $d "self" $d }}{{ deepCopy $d }}',
    ],
  ])("fails %s cleanly instead of crashing", (_name, template) => {
    const { failures } = renderTemplates({ t: template }, {}, fixedClock);
    expect(failures).toHaveLength(1);
    expect(["ERR_TEMPLATE_BUDGET", "ERR_TEMPLATE_PARSE", "ERR_TEMPLATE_EXEC"]).toContain(
      failures[0]?.code,
    );
  });

  it("lexes a template with a huge run of spaces before a trim marker quickly", () => {
    const started = Date.now();
    const { data } = renderTemplates({ t: `${" ".repeat(300_000)}x   {{- "y" }}` }, {}, fixedClock);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(
      Buffer.from(data.t ?? new Uint8Array())
        .toString()
        .endsWith("xy"),
    ).toBe(true);
  });
});

describe("no property walking", () => {
  it.each([
    "{{ .constructor }}",
    "{{ .__proto__ }}",
    "{{ .prototype }}",
    "{{ .hasOwnProperty }}",
    "{{ .toString }}",
    "{{ .__proto__.constructor }}",
    "{{ .constructor.constructor }}",
    "{{ (dict).constructor }}",
    '{{ (dict "a" 1).__proto__ }}',
    "{{ $d := dict }}{{ $d.__proto__.polluted }}",
  ])("treats %s as a missing key", (template) => {
    expect(text(template)).toBe("<no value>");
  });

  it.each([
    '{{ index . "__proto__" }}',
    '{{ index . "constructor" }}',
    '{{ get (dict) "__proto__" }}',
  ])("indexes %s as an absent key", (template) => {
    expect(text(template)).toBe("");
  });

  it.each([
    "{{ .user.constructor }}",
    "{{ .user.length }}",
    "{{ (list 1).constructor }}",
    "{{ (list 1).length }}",
    "{{ (now).constructor }}",
    '{{ (semver "1.2.3").constructor }}',
    '{{ (semver "1.2.3").__proto__ }}',
  ])("refuses a field on a non-map value: %s", (template) => {
    expect(failureOf(template).code).toBe("ERR_TEMPLATE_EXEC");
  });

  it.each([
    "{{ constructor }}",
    "{{ __proto__ }}",
    "{{ valueOf }}",
    "{{ hasOwnProperty 1 }}",
    '{{ eval "1" }}',
    '{{ Function "return process" }}',
    '{{ require "fs" }}',
    "{{ process }}",
    '{{ env "HOME" }}',
    '{{ expandenv "$HOME" }}',
    '{{ getHostByName "example.com" }}',
  ])("has no function %s", (template) => {
    const failure = failureOf(template);
    expect(failure.code).toBe("ERR_TEMPLATE_PARSE");
    expect(failure.message).toContain("not defined");
  });

  it("does not pollute Object.prototype through set or dict", () => {
    text('{{ $d := dict "__proto__" (dict "polluted" 1) }}{{ $_ := set $d "constructor" 1 }}');
    text(
      '{{ $d := fromJson "{\\"__proto__\\": {\\"polluted\\": 1}}" }}{{ $d.__proto__.polluted }}',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("reads a data key named __proto__ as data, without pollution", () => {
    const weird = JSON.parse('{"__proto__": "value", "constructor": "c"}') as Record<
      string,
      string
    >;
    const vals = Object.fromEntries(Object.entries(weird).map(([k, v]) => [k, Buffer.from(v)]));
    const tpls = JSON.parse('{"__proto__": "{{ .__proto__ }}-{{ .constructor }}"}') as Record<
      string,
      string
    >;
    const { data, failures } = renderTemplates(tpls, vals, fixedClock);
    expect(failures).toEqual([]);
    expect(
      Buffer.from(
        Object.getOwnPropertyDescriptor(data, "__proto__")?.value as Uint8Array,
      ).toString(),
    ).toBe("value-c");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("failures never quote a value", () => {
  const forms = (s: string): string[] => [
    s,
    Buffer.from(s).toString("base64"),
    Buffer.from(s).toString("hex"),
    JSON.stringify(s),
  ];

  it.each([
    "{{ fail .password }}",
    "{{ .password | fail }}",
    '{{ fail (printf "leak: %s" .password) }}',
    '{{ mustToDate "2006-01-02" .password }}',
    "{{ mustFromJson .password }}",
    "{{ semver .password }}",
    '{{ semverCompare .password "1.0.0" }}',
    '{{ semverCompare ">1" .password }}',
    "{{ mustRegexMatch .badregex .password }}",
    "{{ regexFindAll .badregex .password -1 }}",
    "{{ mustDateModify .password now }}",
    "{{ .password.field }}",
    "{{ range .password }}{{ end }}",
    "{{ index .password 99 }}",
    "{{ index (list) (atoi .pin) }}",
    "{{ slice (list 1) (atoi .pin) }}",
    "{{ range $i, $v := atoi .pin }}{{ end }}",
    "{{ upper (list .password) }}",
    "{{ lt .password 1 }}",
    "{{ eq .password 1 }}",
    "{{ template .password }}",
    "{{ mustFirst .password }}",
    "{{ dig .password (dict) }}",
    '{{ urlJoin (dict "host" (list .password)) }}',
  ])("keeps the value out of the failure of %s", (template) => {
    const { failures } = render(template);
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) {
      for (const form of [...forms(SECRET), PIN]) expect(f.message).not.toContain(form);
      expect(f.key).toBe("t");
    }
  });

  it("names the template key and the position in execution errors", () => {
    const failure = failureOf("line one\n{{ fail .password }}");
    expect(failure).toEqual({
      key: "t",
      code: "ERR_TEMPLATE_EXEC",
      message: expect.stringMatching(
        /^template: t:2: executing "t" at <fail \.password>: error calling fail/,
      ),
    });
  });

  it("reports parse errors with the key and line", () => {
    expect(failureOf("ok\n{{ .user")).toMatchObject({
      key: "t",
      code: "ERR_TEMPLATE_PARSE",
      message: expect.stringMatching(/^template: t:2: /),
    });
  });
});

describe("refusals", () => {
  it.each([
    '{{ genPrivateKey "rsa" }}',
    '{{ genCA "ca" 365 }}',
    '{{ bcrypt "pw" }}',
    '{{ htpasswd "u" "p" }}',
    '{{ derivePassword 1 "long" "pw" "u" "s" }}',
    '{{ encryptAES "k" "t" }}',
    '{{ regexMatch "(a+)+$" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" }}',
    '{{ regexMatch "^(a|aa)*$" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab" }}',
    '{{ regexMatch "(x+x+)+y" "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" }}',
    // Branches that both match `x` once case folding is counted (1.9-7 s in V8 before).
    '{{ regexMatch `(?:x|(?i:x))*y` (repeat 24 "x") }}',
    '{{ regexMatch `^(?:\\x{212a}|(?i:k))*$` (cat (repeat 26 "\u212a") "!") }}',
    '{{ regexMatch `^(?:\\x{17f}|(?i:s))*$` (cat (repeat 24 "\u017f") "!") }}',
    "{{ randAlphaNum 8 }}",
    "{{ uuidv4 }}",
  ])("refuses %s with ERR_TEMPLATE_REFUSED", (template) => {
    expect(failureOf(template).code).toBe("ERR_TEMPLATE_REFUSED");
  });

  it("runs random functions over the injected source", () => {
    const random = (n: number): Uint8Array => new Uint8Array(n).fill(7);
    const { data, failures } = renderTemplates(
      { a: "{{ randAlphaNum 5 }}", u: "{{ uuidv4 }}" },
      values,
      { ...fixedClock, random },
    );
    expect(failures).toEqual([]);
    expect(Buffer.from(data.a ?? new Uint8Array()).toString()).toMatch(/^[A-Za-z0-9]{5}$/);
    expect(Buffer.from(data.u ?? new Uint8Array()).toString()).toBe(
      "07070707-0707-4707-8707-070707070707",
    );
  });
});
