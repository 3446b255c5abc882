import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  ANONYMOUS_TEMPLATE,
  renderTemplates,
  templateFunctionNames,
  WITHHELD_EXECUTION_MESSAGE,
} from "./index.js";
import type { RenderOptions } from "./index.js";
import { FUNCTION_OPACITY } from "./opacity.js";

/**
 * Sealed values are opaque to template control flow (docs/templates.md): the classification
 * table, the static check, and the property it buys — a render's outcome (success, failure,
 * code, message, budgets) is the same for every content of values of the same lengths.
 */

const NOW = new Date("2024-05-01T12:34:56Z");
const SECRET = "hunter2-Sup3r$ecret";

function seeded(seed: string): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 32) {
      const block = createHash("sha256").update(`${seed}-${counter++}`).digest();
      out.set(block.subarray(0, Math.min(32, n - i)), i);
    }
    return out;
  };
}

type Values = Record<string, Uint8Array>;

function run(template: string, values: Values, options: Partial<RenderOptions> = {}) {
  const { data, failures } = renderTemplates({ t: template }, values, {
    now: () => NOW,
    random: seeded("opacity"),
    ...options,
  });
  const out = data.t === undefined ? undefined : Buffer.from(data.t).toString("latin1");
  return { out, failure: failures.at(0) };
}

const values: Values = {
  password: Buffer.from(SECRET),
  user: Buffer.from("admin"),
  pin: Buffer.from("73914"),
  cert: Buffer.from("-----BEGIN X-----\nAAAA\nBBBB\n-----END X-----\n"),
};

describe("the classification table", () => {
  it("classifies every function of the map, and nothing else", () => {
    expect([...FUNCTION_OPACITY.keys()].sort()).toEqual(templateFunctionNames());
  });

  it.each([...FUNCTION_OPACITY].map(([name, row]) => [name, row.class, row] as const))(
    "%s is %s, with a reason and (if total) a size rule",
    (_name, cls, row) => {
      expect(row.reason.length).toBeGreaterThan(10);
      if (cls === "total") expect(row.size).toBeTypeOf("function");
      else
        expect([row.size, row.sealedParams, row.shapeParams]).toEqual([
          undefined,
          undefined,
          undefined,
        ]);
    },
  );
});

describe("the static check refuses data-dependent templates before anything runs", () => {
  it.each([
    ['{{ if eq .password "guess" }}{{ fail "x" }}{{ end }}', "eq with sealed data"],
    ["{{ if .password }}x{{ end }}", "{{ if }} decides on sealed data"],
    ["{{ with .password }}{{ . }}{{ end }}", "{{ with }} decides on sealed data"],
    ["{{ range .password }}{{ end }}", "{{ range }} over sealed data"],
    ['{{ range splitList "," .password }}{{ . }}{{ end }}', "splitList with sealed data"],
    ['{{ and .password "x" }}', "and with sealed data"],
    ['{{ or .missing "default" }}', "or with sealed data"],
    ['{{ ne .user "admin" }}', "ne with sealed data"],
    ["{{ lt (len .pin) 5 }}", "lt with sealed data"],
    ["{{ if gt (len .password) 8 }}long{{ end }}", "gt with sealed data"],
    ['{{ default "x" .missing }}', "default with sealed data"],
    ["{{ empty .password }}", "empty with sealed data"],
    ['{{ coalesce .a .b "c" }}', "coalesce with sealed data"],
    ['{{ ternary "a" "b" (not .user) }}', "not with sealed data"],
    ["{{ fail .password }}", "fail with sealed data"],
    ["{{ index .password 0 }}", "index of a sealed value"],
    ["{{ index (list 1 2) (atoi .pin) }}", "index with sealed data in argument 2"],
    ["{{ index . .user }}", "index with sealed data in argument 2"],
    ["{{ slice .password 1 2 }}", "slice of a sealed value"],
    ["{{ substr 0 3 .password }}", "substr with sealed data: partial"],
    ['{{ regexMatch "^h" .password }}', "regexMatch with sealed data"],
    ['{{ regexReplaceAll "h" .password "x" }}', "regexReplaceAll with sealed data"],
    ['{{ replace "hunter" (repeat 100 "x") .password }}', "replace with sealed data"],
    ['{{ trimPrefix "hunter" .password }}', "trimPrefix with sealed data"],
    ['{{ contains "Sup" .password }}', "contains with sealed data"],
    ["{{ div 100 (atoi .pin) }}", "div with sealed data: partial"],
    ["{{ fromJson .password }}", "fromJson with sealed data: partial"],
    ["{{ semver .password }}", "semver with sealed data: partial"],
    ['{{ repeat (atoi .pin) "x" }}', "repeat with sealed data in argument 1"],
    ['{{ printf "%*d" (atoi .pin) 1 }}', "printf with a '*' width"],
    ['{{ printf "%*s" 5 .user }}', "printf with a '*' width"],
    ['{{ printf .password "x" }}', "printf with sealed data in argument 1"],
    ["{{ until (atoi .pin) }}", "until with sealed data"],
    ['{"a":1{{ add (atoi .pin) -50000 }}}', "add with sealed data"],
    ['{"a":tr{{ printf "%.1s" (.password) }}e}', "printf with a precision"],
    ['{{ printf "%-5.1v" .password }}', "printf with a precision"],
    ['{{ printf "%[1]*s" 2 .password }}', "printf with a '*' width"],
    ["{{ trunc -5 .password }}", "trunc with sealed data"],
    ['{{ date "PM" (atoi .pin) }}', "date with sealed data"],
    ['{{ dict .user "x" }}', "dict with sealed data in argument 1"],
    ['{{ $d := dict }}{{ $_ := set $d "k" .password }}', "set with sealed data"],
    ["{{ .password.field }}", "a field of a sealed value"],
    ["{{ (now).Format .password }}", "a method call with sealed arguments"],
    ["{{ sortAlpha (list .user .password) }}", "sortAlpha with sealed data"],
    ['{{ toDate "2006" .pin }}', "toDate with sealed data"],
    ["{{ b64dec .password | fromJson }}", "fromJson with sealed data"],
    // flows the check follows
    ["{{ $x := .password }}{{ if $x }}y{{ end }}", "{{ if }} decides on sealed data"],
    ['{{ $x := "" }}{{ $x = .password }}{{ if eq $x "g" }}y{{ end }}', "eq with sealed data"],
    [
      '{{ $x := "a" }}{{ range $i, $v := list 1 2 }}{{ if $x }}y{{ end }}{{ $x = $.password }}{{ end }}',
      "{{ if }} decides on sealed data",
    ],
    ['{{ range $k, $v := . }}{{ if eq $v "g" }}y{{ end }}{{ end }}', "eq with sealed data"],
    ["{{ range . }}{{ if . }}y{{ end }}{{ end }}", "{{ if }} decides on sealed data"],
    ['{{ define "x" }}{{ if . }}y{{ end }}{{ end }}{{ template "x" .password }}', "{{ if }}"],
    [
      '{{ define "x" }}{{ template "u" . }}{{ end }}{{ define "u" }}{{ eq . "g" }}{{ end }}{{ template "x" .pin }}',
      "eq with sealed data",
    ],
    [
      '{{ define "x" }}{{ if . }}{{ template "x" $.a }}{{ end }}{{ end }}{{ template "x" (dict "a" .pin) }}',
      "{{ if }}",
    ],
    ['{{ with $v := index . "pin" }}{{ end }}', "{{ with }} decides on sealed data"],
    ["{{ if .missing }}{{ end }}", "{{ if }} decides on sealed data"],
    ["{{ with $l := list .user }}{{ if index $l 0 }}y{{ end }}{{ end }}", "{{ if }}"],
    [
      "{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ else }}{{ $x }}{{ end }}{{ $y := .pin }}{{ if $y }}{{ end }}",
      "{{ if }}",
    ],
  ])("refuses %s", (template, what) => {
    const { out, failure } = run(template, values);
    expect(out).toBeUndefined();
    expect(failure).toMatchObject({ key: "t", code: "ERR_TEMPLATE_DATA_DEPENDENT" });
    expect(failure?.message).toMatch(/^template: t:\d+: refused at <[^>]*>: /);
    expect(failure?.message).toContain(what);
    expect(failure?.message).toContain("sealed values are opaque to template control flow");
    for (const v of Object.values(values)) {
      expect(failure?.message).not.toContain(Buffer.from(v).toString());
    }
  });

  it("refuses even when the branch is never taken, so the refusal cannot depend on a value", () => {
    const never = '{{ if false }}{{ if eq .password "x" }}{{ end }}{{ end }}';
    expect(run(never, values).failure?.code).toBe("ERR_TEMPLATE_DATA_DEPENDENT");
    expect(run(never, {}).failure?.code).toBe("ERR_TEMPLATE_DATA_DEPENDENT");
  });

  it.each([
    ["{{ .password }}", SECRET],
    [
      '{{ index . "user" }}:{{ .password | b64enc }}',
      `admin:${Buffer.from(SECRET).toString("base64")}`,
    ],
    [
      '{{ printf "%s:%s" .user .password | b64enc }}',
      Buffer.from(`admin:${SECRET}`).toString("base64"),
    ],
    ['{"password": {{ toJson .password }}}', `{"password": ${JSON.stringify(SECRET)}}`],
    [
      "postgres://{{ .user }}:{{ .password | urlquery }}@db/app",
      "postgres://admin:hunter2-Sup3r%24ecret@db/app",
    ],
    ["{{ .user | upper }}{{ .user | quote }}{{ len .pin }}", 'ADMIN"admin"5'],
    ["{{ .cert | indent 2 | trim }}", "-----BEGIN X-----\n  AAAA\n  BBBB\n  -----END X-----"],
    ['{{ .pin | atoi | printf "%06d" }}', "073914"],
    ["{{ range $k, $v := . }}{{ $k }}={{ $v | sha256sum }};{{ end }}", ""],
    ["{{ range . }}[{{ len . }}]{{ end }}", "[44][19][5][5]"],
    [
      "{{ $l := list .user .pin }}{{ range $i, $v := $l }}{{ $i }}:{{ $v }} {{ end }}{{ len $l }}",
      "0:admin 1:73914 2",
    ],
    [
      '{{ $d := dict "u" .user "p" .pin }}{{ $d.u }}/{{ get $d "p" }}/{{ keys $d | join "," }}',
      "admin/73914/p,u",
    ],
    [
      "{{ if . }}has data{{ end }}{{ with $l := list .pin }}{{ index $l 0 }}{{ end }}",
      "has data73914",
    ],
    ['{{ define "x" }}<{{ . }}>{{ end }}{{ range . }}{{ template "x" . }}{{ end }}', ""],
    ['{{ define "line" }}{{ . | upper }}{{ end }}{{ template "line" .user }}', "ADMIN"],
    ["{{ if eq (len .) 4 }}four keys{{ end }}", "four keys"],
    ['{{ typeOf .password }} {{ kindIs "string" .pin }}', "string true"],
    ['{{ toJson (dict "user" .user "list" (list .pin)) }}', '{"list":["73914"],"user":"admin"}'],
    ["{{ b64dec .password }}", "illegal base64 data at input byte 7"],
    ['{{ printf "%-10s|%q|%x" .user .pin .user }}', 'admin     |"73914"|61646d696e'],
  ])("renders %s as Go does", (template, expected) => {
    const opaque = run(template, values);
    const permissive = run(template, values, { allowDataDependent: true });
    expect(opaque.failure).toBeUndefined();
    expect(opaque.out).toBe(permissive.out);
    if (expected !== "") expect(opaque.out).toBe(expected);
  });

  it("allows everything with allowDataDependent", () => {
    const { out } = run('{{ if eq .user "admin" }}yes{{ end }}', values, {
      allowDataDependent: true,
    });
    expect(out).toBe("yes");
  });
});

/** Values of one length: letters, digits, specials, whitespace, newlines, invalid UTF-8, numbers. */
function contents(length: number, count: number, seed: string): string[] {
  const pool = [
    ..."abcXYZ019 \t\n\"'\\<>&%$={}[]:,.-_/+*#@!?",
    "\x00",
    "\x7f",
    "\x80",
    "\xff",
    "\xc3",
    "\xe2",
  ];
  const rnd = seeded(seed);
  const specials = [
    "0",
    "1",
    "-1",
    "Inf",
    "NaN",
    "1e9",
    "0x1f",
    "true",
    "null",
    "{}",
    "[1]",
    '"x"',
    "é",
    "\u0130",
    "\u01c5",
    "日本",
  ].map((s) => Buffer.from(s).toString("latin1"));
  const out = new Set<string>();
  for (const s of specials) {
    if (s.length <= length) out.add(s + "0".repeat(length - s.length));
    if (s.length <= length) out.add(" ".repeat(length - s.length) + s);
  }
  out.add("a".repeat(length));
  out.add("\n".repeat(length));
  out.add("<".repeat(length));
  out.add("\xff".repeat(length));
  while (out.size < count) {
    const bytes = rnd(length);
    out.add([...bytes].map((b) => pool[b % pool.length] ?? "a").join(""));
  }
  return [...out].slice(0, count);
}

/** Every total function called on sealed data, in the parameters that may receive it. */
const TOTAL_CALLS: Readonly<Record<string, string>> = {
  print: "{{ print .a 1 .b }}",
  println: "{{ println .a .b }}",
  printf:
    '{{ printf "%v|%q|%x|% x|%#v|%+q|%10s|%-7v|%d|%c|%U|%e|%[1]s%[1]q" .a .b .a .b .a .b .a .b .a (atoi .a) (atoi .b) (float64 .a) }}',
  cat: "{{ cat .a .b }}",
  toString: "{{ toString .a }}",
  html: "{{ html .a .b }}",
  js: "{{ js .a }}",
  urlquery: "{{ urlquery .a }}",
  quote: "{{ quote .a .b }}",
  squote: "{{ squote .a .b }}",
  upper: "{{ upper .a }}",
  lower: "{{ lower .a }}",
  title: "{{ title .a }}",
  untitle: "{{ untitle .a }}",
  swapcase: "{{ swapcase .a }}",
  snakecase: "{{ snakecase .a }}",
  kebabcase: "{{ kebabcase .a }}",
  camelcase: "{{ camelcase .a }}",
  trim: "{{ trim .a }}",
  nospace: "{{ nospace .a }}",
  shuffle: "{{ shuffle .a }}",
  repeat: "{{ repeat 3 .a }}",
  indent: "{{ indent 3 .a }}",
  nindent: "{{ nindent 2 .a }}",
  join: '{{ join ", " (list .a .b) }}',
  toStrings: "{{ toStrings (list .a (atoi .b)) }}",
  b64enc: "{{ b64enc .a }}",
  b32enc: "{{ b32enc .a }}",
  regexQuoteMeta: "{{ regexQuoteMeta .a }}",
  b64dec: "{{ b64dec .a }}",
  b32dec: "{{ b32dec .a }}",
  sha1sum: "{{ sha1sum .a }}",
  sha256sum: "{{ sha256sum .a }}",
  sha512sum: "{{ sha512sum .a }}",
  adler32sum: "{{ adler32sum .a }}",
  encryptAES: "{{ encryptAES .a .b | len }}",
  toJson: '{{ toJson (list .a (float64 .b) (dict "k" .b)) }}',
  toPrettyJson: '{{ toPrettyJson (dict "k" (list .a (list .b)) "n" (atoi .a)) }}',
  atoi: "{{ atoi .a }}",
  int: "{{ int .a }}",
  int64: "{{ int64 .a }}",
  float64: "{{ float64 .a }}",
  toDecimal: "{{ toDecimal .a }}",
  ceil: "{{ ceil .a }}",
  floor: "{{ floor .a }}",
  round: "{{ round .a 2 }}",
  len: "{{ len .a }}",
  typeOf: "{{ typeOf .a }}",
  kindOf: "{{ kindOf .a }}",
  keys: '{{ keys (dict "k" .a) }}',
  typeIs: '{{ typeIs "string" .a }}',
  typeIsLike: '{{ typeIsLike "string" .a }}',
  kindIs: '{{ kindIs "string" .a }}',
  hasKey: '{{ hasKey (dict "k" .a) "k" }}',
  base: "{{ base .a }}",
  dir: "{{ dir .a }}",
  clean: "{{ clean .a }}",
  ext: "{{ ext .a }}",
  osBase: "{{ osBase .a }}",
  osDir: "{{ osDir .a }}",
  osClean: "{{ osClean .a }}",
  osExt: "{{ osExt .a }}",
  isAbs: "{{ isAbs .a }}",
  osIsAbs: "{{ osIsAbs .a }}",
  unixEpoch: "{{ unixEpoch (now) }}{{ unixEpoch (now) | cat .a }}",
  now: '{{ now | date "2006" | cat .a }}',
  uuidv4: "{{ uuidv4 | len | cat .a }}",
  hello: "{{ hello | cat .a }}",
  list: "{{ list .a .b }}",
  tuple: "{{ tuple .a .b }}",
  dict: '{{ dict "k" .a "j" .b }}',
  append: "{{ append (list .a) .b }}",
  push: "{{ push (list .a) .b }}",
  mustAppend: "{{ mustAppend (list) .b }}",
  mustPush: "{{ mustPush (list .a) .b }}",
  prepend: "{{ prepend (list .a) .b }}",
  mustPrepend: "{{ mustPrepend (list .a) .b }}",
  concat: "{{ concat (list .a) (list .b 1) }}",
  rest: "{{ rest (list .a .b) }}",
  mustRest: "{{ mustRest (list .a .b) }}",
  initial: "{{ initial (list .a .b) }}",
  mustInitial: "{{ mustInitial (list .a .b) }}",
  reverse: "{{ reverse (list .a .b) }}",
  mustReverse: "{{ mustReverse (list .a .b) }}",
  values: '{{ values (dict "k" .a) }}',
  deepCopy: '{{ deepCopy (dict "k" (list .a)) }}',
  mustDeepCopy: "{{ mustDeepCopy (list .a) }}",
  chunk: "{{ chunk 1 (list .a .b 3) }}",
  mustChunk: "{{ mustChunk 2 (list .a .b 3) }}",
  pick: '{{ pick (dict "k" .a "j" .b) "k" }}',
  omit: '{{ omit (dict "k" .a "j" .b) "k" }}',
  pluck: '{{ pluck "k" (dict "k" .a) (dict "j" .b) }}',
  first: "{{ first (list .a .b) }}",
  mustFirst: "{{ mustFirst (list .a .b) }}",
  last: "{{ last (list .a .b) }}",
  mustLast: "{{ mustLast (list .a .b) }}",
  get: '{{ get (dict "k" .a) "k" }}{{ get (dict "k" .a) "z" }}',
  index: '{{ index (list .a .b) 1 }}{{ index . "a" }}{{ index (dict "k" (list .a)) "k" 0 }}',
  slice: "{{ slice (list .a .b 3) 1 }}",
  mustSlice: "{{ mustSlice (list .a .b 3) 1 2 }}",
};

/** A partial or control function deciding from content: two same-length values it tells apart. */
const WITNESSES: Readonly<Record<string, readonly [string, string, string, string?]>> = {
  and: ['{{ and (trim .a) "T" }}', "  ", "ab"],
  or: ['{{ or (trim .a) "T" }}', "  ", "ab"],
  not: ["{{ not (trim .a) }}", "  ", "ab"],
  empty: ["{{ empty (trim .a) }}", "  ", "ab"],
  all: ["{{ all (trim .a) 1 }}", "  ", "ab"],
  any: ["{{ any (trim .a) 0 }}", "  ", "ab"],
  eq: ['{{ eq .a "ab" }}', "ab", "cd"],
  ne: ['{{ ne .a "ab" }}', "ab", "cd"],
  lt: ['{{ lt .a "b" }}', "ab", "cd"],
  le: ['{{ le .a "b" }}', "ab", "cd"],
  gt: ['{{ gt .a "b" }}', "ab", "cd"],
  ge: ['{{ ge .a "b" }}', "ab", "cd"],
  deepEqual: ['{{ deepEqual .a "ab" }}', "ab", "cd"],
  max: ["{{ max (atoi .a) 5 }}", "1", "9"],
  min: ["{{ min (atoi .a) 5 }}", "1", "9"],
  biggest: ["{{ biggest (atoi .a) 5 }}", "1", "9"],
  maxf: ["{{ maxf .a 5 }}", "1", "9"],
  minf: ["{{ minf .a 5 }}", "1", "9"],
  default: ['{{ default "D" (trim .a) }}', "  ", "ab"],
  coalesce: ['{{ coalesce (trim .a) "C" }}', "  ", "ab"],
  ternary: ['{{ ternary "A" "B" (empty (trim .a)) }}', "  ", "ab", "empty"],
  dig: ['{{ dig .a "D" (dict "ab" "X") }}', "ab", "cd"],
  plural: ['{{ plural "one" "many" (atoi .a) }}', "1", "2"],
  contains: ['{{ contains "a" .a }}', "ab", "cd"],
  hasPrefix: ['{{ hasPrefix "a" .a }}', "ab", "cd"],
  hasSuffix: ['{{ hasSuffix "b" .a }}', "ab", "cd"],
  has: ['{{ has .a (list "ab") }}', "ab", "cd"],
  mustHas: ['{{ mustHas .a (list "ab") }}', "ab", "cd"],
  replace: ['{{ replace "a" "XYZ" .a }}', "ab", "cd"],
  trimAll: ['{{ trimAll "a" .a }}', "ab", "cd"],
  trimall: ['{{ trimall "a" .a }}', "ab", "cd"],
  trimPrefix: ['{{ trimPrefix "a" .a }}', "ab", "cd"],
  trimSuffix: ['{{ trimSuffix "b" .a }}', "ab", "cd"],
  split: ['{{ len (split "," .a) }}', "a,b", "abc"],
  splitList: ['{{ len (splitList "," .a) }}', "a,b", "abc"],
  splitn: ['{{ len (splitn "," 5 .a) }}', "a,b", "abc"],
  regexMatch: ['{{ regexMatch "^a" .a }}', "ab", "cd"],
  mustRegexMatch: ['{{ mustRegexMatch "^a" .a }}', "ab", "cd"],
  regexFind: ['{{ regexFind "a+" .a }}', "ab", "cd"],
  mustRegexFind: ['{{ mustRegexFind "a+" .a }}', "ab", "cd"],
  regexFindAll: ['{{ regexFindAll "a" .a -1 }}', "ab", "cd"],
  mustRegexFindAll: ['{{ mustRegexFindAll "a" .a -1 }}', "ab", "cd"],
  regexReplaceAll: ['{{ regexReplaceAll "a" .a "XYZ" }}', "ab", "cd"],
  mustRegexReplaceAll: ['{{ mustRegexReplaceAll "a" .a "XYZ" }}', "ab", "cd"],
  regexReplaceAllLiteral: ['{{ regexReplaceAllLiteral "a" .a "XYZ" }}', "ab", "cd"],
  mustRegexReplaceAllLiteral: ['{{ mustRegexReplaceAllLiteral "a" .a "XYZ" }}', "ab", "cd"],
  regexSplit: ['{{ len (regexSplit "a" .a -1) }}', "ab", "cd"],
  mustRegexSplit: ['{{ len (mustRegexSplit "a" .a -1) }}', "ab", "cd"],
  uniq: ['{{ len (uniq (list .a "ab")) }}', "ab", "cd"],
  mustUniq: ['{{ len (mustUniq (list .a "ab")) }}', "ab", "cd"],
  without: ['{{ len (without (list .a) "ab") }}', "ab", "cd"],
  mustWithout: ['{{ len (mustWithout (list .a) "ab") }}', "ab", "cd"],
  compact: ["{{ len (compact (list (trim .a))) }}", "  ", "ab"],
  mustCompact: ["{{ len (mustCompact (list (trim .a))) }}", "  ", "ab"],
  sortAlpha: ['{{ first (sortAlpha (list .a "bb")) }}', "ab", "cd"],
  until: ["{{ len (until (atoi .a)) }}", "1", "9"],
  untilStep: ["{{ len (untilStep 0 (atoi .a) 1) }}", "1", "9"],
  seq: ["{{ seq (atoi .a) }}", "1", "9"],
  randAlphaNum: ["{{ len (randAlphaNum (atoi .a)) }}", "1", "9"],
  randAlpha: ["{{ len (randAlpha (atoi .a)) }}", "1", "9"],
  randNumeric: ["{{ len (randNumeric (atoi .a)) }}", "1", "9"],
  randAscii: ["{{ len (randAscii (atoi .a)) }}", "1", "9"],
  randBytes: ["{{ len (randBytes (atoi .a)) }}", "1", "9"],
  randInt: ["{{ randInt 0 (atoi .a) }}", "0", "1"],
  add: ["{{ add (atoi .a) -5 }}", "1", "9"],
  add1: ["{{ add1 (atoi .a) }}", "1", "9"],
  sub: ["{{ sub (atoi .a) 5 }}", "1", "9"],
  mul: ["{{ mul (atoi .a) 3074457345618258603 }}", "1", "3"],
  trunc: ["{{ trunc 1 .a }}", "ab", "cd"],
  abbrev: ["{{ abbrev 4 .a }}", "abcde", "vwxyz"],
  abbrevboth: ["{{ abbrevboth 5 7 .a }}", "abcdefghijkl", "mnopqrstuvwx"],
  initials: ["{{ initials .a }}", "ab", "cd"],
  wrap: ["{{ wrap 1 .a }}", "a b", "abc"],
  wrapWith: ['{{ wrapWith 1 "|" .a }}', "ab", "cd"],
  date: ['{{ date "PM" (int64 .a) }}', "00000", "50000"],
  dateInZone: ['{{ dateInZone "Mon" (int64 .a) "UTC" }}', "00000", "99999"],
  date_in_zone: ['{{ date_in_zone "Mon" (int64 .a) "UTC" }}', "00000", "99999"],
  htmlDate: ["{{ htmlDate (int64 .a) }}", "00000", "99999"],
  htmlDateInZone: ['{{ htmlDateInZone (int64 .a) "UTC" }}', "00000", "99999"],
  duration: ["{{ duration .a }}", "1", "9"],
  durationRound: ["{{ durationRound (int64 .a) }}", "1000000000", "9000000000"],
  ago: ["{{ ago (int64 .a) }}", "1", "9"],
  dateModify: ['{{ dateModify .a (now) | date "15" }}', "1h", "xx"],
  date_modify: ['{{ date_modify .a (now) | date "15" }}', "1h", "xx"],
  toDate: ['{{ toDate "2006" .a | date "2006" }}', "2024", "abcd"],
  // partial: one of the two fails (or changes the result's type)
  div: ["{{ div 1 (atoi .a) }}", "0", "1"],
  mod: ["{{ mod 1 (atoi .a) }}", "0", "1"],
  add1f: ["{{ add1f .a }}", "Inf", "123"],
  addf: ["{{ addf .a 1 }}", "Inf", "123"],
  subf: ["{{ subf .a 1 }}", "Inf", "123"],
  mulf: ["{{ mulf .a 1 }}", "Inf", "123"],
  divf: ["{{ divf 1 .a }}", "0", "1"],
  substr: ["{{ substr 3 9 (trim .a) }}", "  ab  ", "abcdef"],
  fromJson: ["{{ (fromJson .a).k }}", '{"k":1}', '"abcde"'],
  mustFromJson: ["{{ mustFromJson .a }}", '{"k":1}', "xxxxxxx"],
  mustToJson: ["{{ mustToJson (float64 .a) }}", "Inf", "1.5"],
  mustToPrettyJson: ["{{ mustToPrettyJson (float64 .a) }}", "Inf", "1.5"],
  toRawJson: ["{{ toRawJson (float64 .a) }}", "Inf", "1.5"],
  mustToRawJson: ["{{ mustToRawJson (float64 .a) }}", "Inf", "1.5"],
  semver: ["{{ semver .a }}", "1.2.3", "x.y.z"],
  semverCompare: ['{{ semverCompare ">1" .a }}', "1.2.3", "x.y.z"],
  urlParse: ["{{ urlParse .a }}", "http://a", "http://["],
  urlJoin: ['{{ urlJoin (dict "host" "h" "userinfo" .a) }}', "u:p", "u%z"],
  mustToDate: ['{{ mustToDate "2006" .a }}', "2024", "abcd"],
  mustDateModify: ["{{ mustDateModify .a (now) }}", "1h", "xx"],
  must_date_modify: ["{{ must_date_modify .a (now) }}", "1h", "xx"],
};

/** Partial or control by nature, with no content to tell apart: they fail, or act on the template's state, whatever the value. */
const WITHOUT_WITNESS = new Set([
  "fail",
  "call",
  "decryptAES",
  "set",
  "unset",
  "merge",
  "mustMerge",
  "mergeOverwrite",
  "mustMergeOverwrite",
  "bcrypt",
  "htpasswd",
  "derivePassword",
  "genPrivateKey",
  "genCA",
  "genCAWithKey",
  "genSelfSignedCert",
  "genSelfSignedCertWithKey",
  "genSignedCert",
  "genSignedCertWithKey",
  "buildCustomCert",
]);

function outcome(template: string, a: string, b: string, options: Partial<RenderOptions> = {}) {
  const vals = { a: Buffer.from(a, "latin1"), b: Buffer.from(b, "latin1") };
  const { out, failure } = run(template, vals, options);
  return { out, failure };
}

describe("partial and control functions decide from content", () => {
  const decided = [...FUNCTION_OPACITY].filter(([, r]) => r.class !== "total").map(([n]) => n);

  it("has a witness for every partial and control function (or a reason not to)", () => {
    const missing = decided.filter((n) => WITNESSES[n] === undefined && !WITHOUT_WITNESS.has(n));
    expect(missing).toEqual([]);
    expect(Object.keys(WITNESSES).filter((n) => !decided.includes(n))).toEqual([]);
  });

  it.each(Object.entries(WITNESSES))(
    "%s tells two values of one length apart when allowed, and is refused by default",
    (name, [template, a, b, refusedBy = name]) => {
      expect(a.length).toBe(b.length);
      const x = outcome(template, a, b, { allowDataDependent: true });
      const y = outcome(template, b, a, { allowDataDependent: true });
      expect(x).not.toEqual(y);
      if (FUNCTION_OPACITY.get(name)?.class === "partial") {
        expect([x.failure === undefined, y.failure === undefined].sort()).toEqual([false, true]);
      }
      const refused = outcome(template, a, b).failure;
      expect(refused?.code).toBe("ERR_TEMPLATE_DATA_DEPENDENT");
      expect(refused?.message).toContain(refusedBy);
    },
  );

  it.each([...WITHOUT_WITNESS])("%s is refused with sealed data by default", (name) => {
    const call = name === "decryptAES" ? '{{ decryptAES "k" .a }}' : `{{ ${name} .a }}`;
    const template = ["set", "unset"].includes(name) ? `{{ ${name} (dict) "k" .a }}` : call;
    expect(outcome(template, "ab", "cd").failure?.code).toBe("ERR_TEMPLATE_DATA_DEPENDENT");
  });
});

describe("total functions never fail, nor cost, by what a sealed value holds", () => {
  it("has a call for every total function", () => {
    const totals = [...FUNCTION_OPACITY].filter(([, r]) => r.class === "total").map(([n]) => n);
    expect(totals.filter((n) => TOTAL_CALLS[n] === undefined)).toEqual([]);
  });

  it.each(Object.entries(TOTAL_CALLS))(
    "%s: the same outcome for every content at every budget, and never over budget",
    (_name, template) => {
      for (const length of [3, 17]) {
        const as = contents(length, 16, `${template}-${length}`);
        const bs = contents(length + 2, 16, `${template}-b-${length}`);
        const pairs = as.map((a, i) => [a, bs[i] ?? ""] as const);
        const sizes = pairs.map(
          ([a, b]) => outcome(template, a, b, { allowDataDependent: true }).out?.length ?? 0,
        );
        const budgets = [...new Set([0, 1, ...sizes.flatMap((s) => [s - 1, s, s + 1]), 1 << 20])]
          .filter((n) => n >= 0)
          .sort((x, y) => x - y);
        for (const maxOutputBytes of budgets) {
          const seen = pairs.map(([a, b]) =>
            outcome(template, a, b, { budget: { maxOutputBytes } }),
          );
          const shapes = new Set(seen.map((o) => JSON.stringify([o.out === undefined, o.failure])));
          expect([maxOutputBytes, shapes.size, [...shapes][0]]).toEqual([
            maxOutputBytes,
            1,
            [...shapes][0],
          ]);
          seen.forEach((o) => {
            if (o.out !== undefined) expect(o.out.length).toBeLessThanOrEqual(maxOutputBytes);
          });
        }
        expect(outcome(template, as[0] ?? "", bs[0] ?? "").failure).toBeUndefined();
      }
    },
    120_000,
  );
});

describe("output and cost budgets see public bounds", () => {
  it.each([
    ["an escaper padded to the limit", '{{ repeat 1000 "x" }}{{ urlquery .a }}'],
    ["digits of a number padded to the limit", '{{ repeat 1000 "x" }}{{ atoi .a }}'],
    ["a JSON string padded to the limit", '{{ repeat 1000 "x" }}{{ toJson .a }}'],
    ["an indented value padded to the limit", '{{ repeat 1000 "x" }}{{ indent 3 .a }}'],
  ])("%s fails or succeeds whatever the value holds", (_name, template) => {
    const guesses = ["abc", "a<>", "999", "0\n\n", "\xff\xff\xff", "100"];
    for (let max = 1000; max <= 1200; max++) {
      const results = new Set(
        guesses.map(
          (g) =>
            outcome(template, g, "", { budget: { maxOutputBytes: max } }).failure?.code ?? "ok",
        ),
      );
      expect(results.size).toBe(1);
    }
  });
});

describe("anonymous failures (what a controller publishes)", () => {
  const templates = {
    "guess-a": '{{ if eq .password "a" }}{{ fail "x" }}{{ end }}',
    "guess-h": '{{ if hasPrefix "h" .password }}{{ fail "x" }}{{ end }}',
    fine: "{{ .user }}",
  };

  it("never names the template keys, and merges identical messages", () => {
    const { failures } = renderTemplates(templates, values, { now: () => NOW, anonymous: true });
    expect(failures.map((f) => f.key)).toEqual([ANONYMOUS_TEMPLATE, ANONYMOUS_TEMPLATE]);
    for (const f of failures) {
      expect(f.code).toBe("ERR_TEMPLATE_DATA_DEPENDENT");
      expect(f.message).toMatch(/^template: spec\.template\.data:1: refused at </);
      for (const k of Object.keys(templates)) expect(f.message).not.toContain(k);
    }
  });

  it("with data-dependent templates allowed, turns every execution failure into one fixed message", () => {
    const options = { now: () => NOW, anonymous: true, allowDataDependent: true };
    const right = renderTemplates(templates, values, options).failures;
    expect(right).toEqual([
      { key: ANONYMOUS_TEMPLATE, code: "ERR_TEMPLATE_EXEC", message: WITHHELD_EXECUTION_MESSAGE },
    ]);
    const parse = renderTemplates({ ...templates, broken: "{{ .user" }, values, options).failures;
    expect(parse.map((f) => f.code)).toEqual(["ERR_TEMPLATE_PARSE", "ERR_TEMPLATE_EXEC"]);
    expect(parse[0]?.message).toMatch(/^template: spec\.template\.data:1: /);
  });
});
