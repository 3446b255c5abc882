import type { DiffCase } from "./corpus.js";
import type { Mode } from "./reference.js";

/**
 * The checked-in part of the differential corpus: the inputs behind each class of wrong
 * sealing found by trying Signet side by side with kubeseal v0.36.6 (values corrupted without
 * an error, metadata of the wrong type, the wrong scope, valid input refused, invalid input
 * accepted, alias bombs), and the YAML 1.1 forms they come from. Each runs through every
 * decoding kubeseal uses for its kind of input and must agree with Go like the generated ones.
 */
const SECRET = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: ns\n";
const SEALED =
  "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: s\n  namespace: ns\n";

/**
 * JSON whose first value fails on a type (so it is read again as YAML, and go-yaml converts the
 * number for the string field) followed by a value with a bad byte at `badAt`: libyaml reads its
 * input in 512-byte blocks, leaving a UTF-8 sequence a block cuts off to the next block, so
 * whether the bad byte is met depends on where the blocks start. With `straddle`, a two-byte
 * character across offset 512 moves the second block's start to 511. Latin-1 text: the bytes.
 */
function blockEdge(badAt: number, straddle: boolean): string {
  const head = '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "';
  const name = straddle ? `${"n".repeat(511 - head.length)}\u00c3\u00a9${"n".repeat(20)}` : "s";
  const first = `${head}${name}", "annotations": {"a": 1E3}}}\n`;
  const second = '{\n"kind": "Secret", "metadata": {"name": "';
  const pad = "x".repeat(badAt - first.length - second.length);
  return `${first}${second}${pad}\u00c2"}}\n`;
}

const secretInputs: [string, string][] = [
  // Values: null, empty, collections, numbers, dates and big integers under data / stringData.
  ["empty stringData item (Helm's missing value)", `${SECRET}stringData:\n  a:\n`],
  ["~ stringData item", `${SECRET}stringData:\n  a: ~\n`],
  ["every null form", `${SECRET}stringData:\n  a: null\n  b: Null\n  c: NULL\n  d: ~\n  e:\n`],
  ["null data item", `${SECRET}data:\n  a:\n  b: ~\n`],
  ["map under stringData", `${SECRET}stringData:\n  a: {x: 1}\n`],
  ["list under stringData", `${SECRET}stringData:\n  a: [a, b]\n`],
  ["number under data", `${SECRET}data:\n  a: 1234\n`],
  ["bool under data", `${SECRET}data:\n  a: true\n`],
  ["non-base64 data", `${SECRET}data:\n  a: not base64!\n`],
  ["base64 with line breaks", `${SECRET}data:\n  a: |\n    aGVs\n    bG8=\n`],
  ["unquoted date under stringData", `${SECRET}stringData:\n  a: 2024-01-02\n`],
  [
    "unquoted timestamp under stringData",
    `${SECRET}stringData:\n  a: 2001-12-14t21:59:43.10-05:00\n`,
  ],
  ["integer above 2^53", `${SECRET}stringData:\n  a: 9007199254740993\n`],
  // A `!` inside a scalar is content, not a tag, even when the document has flow collections.
  [
    "tag-like text inside quoted values beside a flow map",
    `${SECRET}  labels: {}\nstringData:\n  a: "{!Passw0rd}"\n  b: '[!abc]'\n  c: "{ !a}"\n  d: '[!x] y'\n`,
  ],
  ["tag-like text inside plain keys", `${SECRET}  labels: {}\nstringData:\n  a{!t: x\n  x[!y: z\n`],
  // An escaped line break keeps the empty lines after it (libyaml); the YAML 1.2 reader folded them.
  ["escaped break then an empty line", `${SECRET}stringData:\n  a: "z\\\n\n    w"\n`],
  [
    "escaped break then empty lines, CR LF",
    `${SECRET}stringData:\r\n  a: "z\\\r\n\r\n\r\n    w\\\r\n  v"\r\n`,
  ],
  [
    "escaped break in an annotation and a flow map",
    `${SECRET.replace("  namespace: ns\n", '  namespace: ns\n  annotations: {k: "a\\\n\n    b"}\n')}stringData:\n  a: x\n`,
  ],
  ["integer above 2^64", `${SECRET}stringData:\n  a: 18446744073709551616\n`],
  ["YAML 1.1 booleans", `${SECRET}stringData:\n  a: yes\n  b: off\n  c: Y\n  d: n\n`],
  ["octal, hex, binary", `${SECRET}stringData:\n  a: 0777\n  b: 0x1F\n  c: 0b101\n  d: 0o17\n`],
  ["sexagesimal", `${SECRET}stringData:\n  a: 190:20:30\n  b: 1:20\n`],
  ["underscores", `${SECRET}stringData:\n  a: 1_000\n  b: 685.230_15e+03\n`],
  ["floats", `${SECRET}stringData:\n  a: 1.10\n  b: .5\n  c: +.5\n  d: 1e3\n  e: 6.8523015e+5\n`],
  ["infinities and NaN", `${SECRET}stringData:\n  a: .inf\n  b: -.Inf\n  c: .NaN\n`],
  // Metadata of the wrong type.
  ["numeric name", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: 1234\nstringData:\n  a: b\n"],
  [
    "date-like name",
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: 2024-01-02\nstringData:\n  a: b\n",
  ],
  ["boolean label", `${SECRET}  labels:\n    enabled: true\nstringData:\n  a: b\n`],
  ["numeric annotation", `${SECRET}  annotations:\n    replicas: 3\nstringData:\n  a: b\n`],
  ["numeric type", `${SECRET}type: 1\nstringData:\n  a: b\n`],
  // Scope.
  [
    "unquoted cluster-wide: true",
    `${SECRET}  annotations:\n    sealedsecrets.bitnami.com/cluster-wide: true\nstringData:\n  a: b\n`,
  ],
  [
    "unquoted namespace-wide: yes",
    `${SECRET}  annotations:\n    sealedsecrets.bitnami.com/namespace-wide: yes\nstringData:\n  a: b\n`,
  ],
  // Valid input (kubeseal reads it).
  ["flow mapping", "{apiVersion: v1, kind: Secret, metadata: {name: s}, stringData: {a: b}}\n"],
  ["JSON then ---", '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}\n---\n'],
  [
    "JSON then a comment",
    '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}\n# c\n',
  ],
  [
    "two JSON values",
    '{"kind": "Secret", "metadata": {"name": "a"}}\n{"kind": "Secret", "metadata": {"name": "b"}}\n',
  ],
  ["JSON with a trailing comma (read as YAML)", '{"kind": "Secret", "metadata": {"name": "a"},}\n'],
  [
    "multi-document with comment-only documents",
    `# head\n---\n${SECRET}---\n# only a comment\n---\n${SECRET}`,
  ],
  ["trailing ---", `${SECRET}stringData:\n  a: b\n---\n`],
  ["leading ---", `---\n${SECRET}stringData:\n  a: b\n`],
  ["... document end", `${SECRET}stringData:\n  a: b\n...\n`],
  ["BOM", `\ufeff${SECRET}stringData:\n  a: b\n`],
  ["CRLF", `${SECRET}stringData:\n  a: b\n`.replace(/\n/g, "\r\n")],
  ["tab after a value", `${SECRET}stringData:\n  a: b\t\n`],
  ["tab indentation", `${SECRET}stringData:\n\ta: b\n`],
  ["anchors and aliases", `${SECRET}stringData:\n  a: &v hello\n  b: *v\n`],
  ["merge keys", `base: &b {a: one}\n${SECRET}stringData:\n  <<: *b\n  c: two\n`],
  ["merge list, earlier wins", `${SECRET}stringData:\n  <<: [{a: one}, {a: two, b: x}]\n`],
  // libyaml's "plain implicit" covers a scalar tagged `!` in any style: `! '<<'` merges.
  ["quoted merge key tagged !", `${SECRET}stringData:\n  ! '<<': {a: one}\n  ! "<<": x\n`],
  ["quoted merge key tagged ! with a scalar value", `${SECRET}data:\n  ! '<<': aGVsbG8\n`],
  [
    "a tag containing ':' in a flow mapping",
    `${SECRET}metadata: {name: s, annotations: {!x: ' a', b: c}}\n`,
  ],
  [
    "a %YAML 1.2 directive after a byte-order mark",
    `\ufeff%YAML 1.2\n---\n${SECRET}stringData:\n  a: b\n`,
  ],
  // libyaml scans the blank lines after a document for the next token: a tab starting one fails.
  ["a blank line starting with a tab after the document", `${SECRET}stringData:\n  a: b\n\t  \n`],
  ["a tab line after an empty value", `${SECRET}stringData:\n  a: b\n  c:\n\t\n---\n${SECRET}`],
  // libyaml ends a flow plain scalar at `: ` or a flow indicator: `annotations:{` is the scalar
  // "annotations:" then a second collection (an error), `a:,` the key "a:".
  [
    "a flow key glued to its flow value",
    "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: ns, annotations:{x: y}}\nstringData: {a: b}\n",
  ],
  ["a flow key glued to a flow sequence", `${SECRET}stringData: {a: b}\nx: [k:[v]]\n`],
  ["a flow key ending with ':' before ','", `${SECRET}stringData: {a:, b: c}\n`],
  ["a flow item ending with ':' before ']'", `${SECRET}stringData: {a: b}\nx: [a:]\n`],
  // libyaml has no indentation rule inside flow collections; the YAML 1.2 reader wants their
  // lines indented past the block around them. Go reads these; so does Signet's fast reader.
  [
    "flow mapping lines as deep as their key",
    `${SECRET}  annotations: {\n  a: b,\n  c: "d"\n  }\nstringData: {k: v,\nx: 'y'}\n`,
  ],
  [
    "flow lines at column 0, nested",
    `${SECRET}  labels: {a: b,\nc: d}\nstringData:\n  k: v\n  l: [\n]\n`,
  ],
  [
    "a root flow mapping over lines at column 0",
    `{apiVersion: v1, kind: Secret,\nmetadata: {name: s,\nnamespace: ns},\nstringData: {a: b\n}\n}\n`,
  ],
  // libyaml reads U+2028 as a line break: this flow mapping is valid to Go, not to YAML 1.2.
  ["U+2028 inside a flow mapping", `${SECRET}metadata: {labels: {b:\u2028"x"}}\n---\n${SECRET}`],
  // U+2028 and U+2029 are line breaks to libyaml: inside a quoted scalar a first one is kept
  // (not folded into a space) and the blanks around it dropped; NEL is a line feed.
  [
    "U+2028 then spaces in a single-quoted value (go-yaml's own output)",
    `${SECRET}  annotations:\n    a: 'x\u2028          y'\nstringData:\n  k: v\n`,
  ],
  [
    "U+2028 and U+2029 at line ends in quoted values",
    `${SECRET}stringData:\n  a: 'x\u2028\n    y'\n  b: "p\u2029\n    q"\n  c: 'z \u2028'\n`,
  ],
  [
    "U+2028 then empty lines in quoted values",
    `${SECRET}stringData:\n  a: 'x\u2028\n\n    y'\n  b: "x\u2029\n\n\n    y"\n  c: 'x\n\n    \u2028  y'\n`,
  ],
  [
    "several line separators in a row",
    `${SECRET}stringData:\n  a: 'x\u2028\u2029\u2028y'\n  b: "x\u2029 \u2029  \u2028y"\n  c: '\u2028\u2028'\n`,
  ],
  [
    "blanks around a line separator",
    `${SECRET}stringData:\n  a: 'x \t \u2028 \t y'\n  b: "x  \u2029\ty"\n  c: '\u2028x\u2029'\n  d: " \u2028 "\n`,
  ],
  [
    "a line feed then a line separator",
    `${SECRET}stringData:\n  a: 'x\n    \u2028  y'\n  b: "x \n   \u2029y"\n`,
  ],
  [
    "an escaped line separator (YAML 1.2 has no such escape)",
    `${SECRET}stringData:\n  a: "x\\\u2028   y"\n`,
  ],
  [
    "escaped line separators and escapes beside raw ones",
    `${SECRET}stringData:\n  b: "x\\L\u2028\\P y"\n  c: "x\\\n    \u2028 y"\n`,
  ],
  [
    "NEL in quoted values",
    `${SECRET}stringData:\n  a: 'x\u0085     y'\n  b: "x\u0085\u0085   y"\n  c: 'x\u0085   \u2028y'\n  d: "x\u2028\u0085   y"\n`,
  ],
  ["quoted keys holding line separators", `${SECRET}stringData:\n  a: b\n  'k\u2028x': v\n`],
  ["a first quoted key holding a line separator", `${SECRET}stringData:\n  "k\u2029": v\n`],
  ["a line separator inside an explicit key", `${SECRET}stringData:\n  ? 'k\u2028x'\n  : v\n`],
  [
    "an explicit key holding a line separator with ':' on its line",
    `${SECRET}stringData:\n  ? 'k\u2028x' : v\n`,
  ],
  ["a flow mapping key holding a line separator", `${SECRET}stringData: {'k\u2028x': v}\n`],
  [
    "an explicit flow mapping key holding a line separator",
    `${SECRET}stringData: {? 'k\u2028x' : v}\n`,
  ],
  [
    "a flow key holding a line separator in a block mapping key",
    `${SECRET}stringData:\n  a: b\n  ['k\u2028']: v\n`,
  ],
  [
    "line separators in quoted scalars inside flow collections",
    `${SECRET}  annotations: {a: 'x\u2028 y', b: "p\u2029\n    q", 'c': '\u2028'}\n  finalizers: ['a\u2028b', "c\u2029 d", 'e\u2028\n\n    f']\nstringData: {k: 'v\u2028 w'}\n`,
  ],
  [
    "line separators in block sequence items",
    `${SECRET}  finalizers:\n  - 'a\u2028b'\n  - "c\u2029"\n  - '\u2028'\n`,
  ],
  [
    "a document marker after a line separator in a quoted scalar",
    `${SECRET}stringData:\n  a: 'x\u2028--- y'\n`,
  ],
  [
    "a document end marker after a line separator in a quoted scalar",
    `${SECRET}stringData:\n  a: "x\u2029...\ty"\n  b: 'x\u2028...'\n`,
  ],
  [
    "dashes after a line separator that are no marker",
    `${SECRET}stringData:\n  a: 'x\u2028---y'\n  b: 'x\u2028 --- y'\n`,
  ],
  [
    "a ':' after a quoted value holding a line separator",
    `${SECRET}stringData:\n  a: 'x\u2028y': z\n`,
  ],
  ["a line separator in a plain scalar", `${SECRET}stringData:\n  a: x\u2028y\n`],
  ["a line separator in a comment", `${SECRET}stringData:\n  a: b # c\u2028d: e\n`],
  ["a line separator in a literal block", `${SECRET}stringData:\n  a: |\n    x\u2028y\n`],
  [
    "a line separator in a quoted scalar in a later document",
    `${SECRET}stringData:\n  a: b\n---\n${SECRET}stringData:\n  a: 'x\u2028 y'\n`,
  ],
  ["explicit !!str tag", `${SECRET}stringData:\n  a: !!str 0777\n`],
  ["explicit !!binary", `${SECRET}stringData:\n  a: !!binary aGVsbG8=\n`],
  // `!!binary` bytes that are not UTF-8: each becomes U+FFFD after Go's JSON round trip, but
  // FieldsV1 keeps json.Marshal's text, where they are \ufffd escapes and a real U+FFFD is not,
  // and map keys are sorted by their bytes.
  [
    "!!binary of bytes that are not UTF-8 under stringData",
    `${SECRET}stringData:\n  a: !!binary /w==\n  b: !!binary wyk=\n`,
  ],
  ["!!binary of bytes that are not UTF-8 under data", `${SECRET}data:\n  a: !!binary /w==\n`],
  [
    "!!binary bytes that are not UTF-8 in a FieldsV1 map, beside a real U+FFFD",
    `apiVersion: v1\nkind: Secret\nstringData: {x: y}\nmetadata:\n  name: s\n  namespace: ns\n  managedFields:\n  - fieldsV1: {f:a: !!binary dHJ1ZQ==, f:b: "\\ufffd", f:c: [!!binary wyk=, {k: !!binary /w==}]}\n`,
  ],
  [
    "!!binary keys that are not UTF-8 in a FieldsV1 map, sorted by their bytes",
    `apiVersion: v1\nkind: Secret\nstringData: {x: y}\nmetadata:\n  name: s\n  namespace: ns\n  managedFields:\n  - fieldsV1: {!!binary /w==: 1, "\\u00ff": 2, "\\ufffd": 3, !!binary wyk=: 4, é: 5}\n`,
  ],
  [
    "FieldsV1 given a list and a map of !!binary bytes that are not UTF-8",
    `apiVersion: v1\nkind: Secret\nstringData: {x: y}\nmetadata:\n  name: s\n  namespace: ns\n  managedFields:\n  - fieldsV1: [!!binary /w==, {!!binary /w==: !!binary /w==}]\n`,
  ],
  [
    "FieldsV1 given a !!binary string that is not UTF-8",
    `apiVersion: v1\nkind: Secret\nstringData: {x: y}\nmetadata:\n  name: s\n  namespace: ns\n  managedFields:\n  - fieldsV1: !!binary /w==\n`,
  ],
  [
    "folded and literal blocks",
    `${SECRET}stringData:\n  a: >\n    x\n    y\n  b: |-\n    x\n    y\n`,
  ],
  // With an indentation indicator, a line of more spaces than the indentation is content.
  ["folded keep block of one line of spaces", `${SECRET}type: >4+\n     \ndata:\n  a: YWJj\n`],
  ["literal block of lines of spaces only", `${SECRET}stringData:\n  a: |1\n\n    \n  \n  b: c\n`],
  [
    "trailing lines of spaces after block content",
    `${SECRET}stringData:\n  a: |2-\n      x\n       \n     \n  b: >1\n   y\n    \n`,
  ],
  [
    "leading lines of spaces in a block in a sequence",
    `${SECRET}metadata:\n  finalizers:\n  - >2+\n       \n     x\n      \n  - |1\n     \n`,
  ],
  [
    "a %YAML 1.2 directive after a byte-order mark and an empty document",
    `\ufeff---\n%YAML 1.2\n---\n${SECRET}stringData:\n  a: b\n`,
  ],
  ["duplicate key (Go keeps the last)", `${SECRET}stringData:\n  a: one\n  a: two\n`],
  ["keys 1 and '1'", `${SECRET}stringData:\n  1: one\n  "1": two\n`],
  [
    "case-insensitive field names",
    "apiVersion: v1\nkind: Secret\nMetadata:\n  Name: s\nStringData:\n  a: b\n",
  ],
  ["a ConfigMap", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: b\n"],
  // Invalid input (kubeseal refuses it).
  ["invalid UTF-8", `${SECRET}stringData:\n  a: caf\u00e9\n`],
  ["document separator with text", `${SECRET}--- x\nstringData:\n  a: b\n`],
  ["control character", `${SECRET}stringData:\n  a: b\u0001\n`],
  ["unclosed flow", `${SECRET}stringData: {a: b\n`],
  ["a tag after a quoted flow key", `${SECRET}stringData: {'k' !x\n  }\n`],
  ["an anchor after a quoted flow key", `${SECRET}stringData: {"k" &a, b: c}\n`],
  // `&x:` is the anchor `x` on an empty key for Go, the anchor `x:` for YAML 1.2; a value over
  // two lines must not make it a multi-line-key error first (seed 202 of the generated corpus).
  [
    "an anchor ending in ':' before a two-line flow value",
    `${SECRET}stringData: {&x: "a\n b", c: d}\n`,
  ],
  [
    "an anchor ending in ':' before a two-line flow collection",
    `${SECRET}stringData: {&x: {a: b\n }, c: d}\n`,
  ],
  ["an anchor ending in ':' in a flow sequence", `${SECRET}stringData: [&x: "a\n b"]\n`],
  [
    "an anchor ending in ':' before a U+2029 quoted value",
    `${SECRET}stringData: {&x: 'a\u2029b'}\n`,
  ],
  ["a quoted flow key, its colon on the next line", `${SECRET}stringData: {'k'\n  : v}\n`],
  ["a quoted flow key without a value", `${SECRET}stringData: {'k', b: c}\n`],
  [
    "alias bomb",
    `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n${SECRET}`,
  ],
  ["self-referencing alias", "a: &a [*a]\n"],
  // libyaml's read blocks: a bad byte cut off by a block is met only when the next is read.
  ["invalid UTF-8 cut off by the first read block", blockEdge(511, false)],
  ["invalid UTF-8 at the end of the first read block", blockEdge(510, false)],
  ["invalid UTF-8 in a block moved by a straddling character", blockEdge(1021, true)],
  ["invalid UTF-8 cut off by a block moved by a straddling character", blockEdge(1022, true)],
  // A line separator is a line break to libyaml: inside the first JSON value (read again as
  // YAML after a type error) it ends the scanner's look-ahead, so the control character in the
  // next value is never read.
  [
    "a line separator inside a JSON value read again as YAML, a control character after it",
    `{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "annotations": {"a": "x \u2028 y", "n": 1E3, "p": "${"p".repeat(500)}"}}}{"kind": "Secret", "metadata": {"name": "${"q".repeat(500)}\u0001"}}\n`,
  ],
  // Tag escapes libyaml fails on: a bad leading or trailing octet, a sequence cut short.
  ["a tag escape with a bad leading octet", `${SECRET}stringData:\n  a: !%F8%80%80%80%80 x\n`],
  ["a tag escape with a stray continuation octet", `${SECRET}stringData:\n  a: !%80 x\n`],
  ["a tag escape cut short", `${SECRET}stringData:\n  a: !%C3x y\n`],
  // %TAG directives as libyaml reads them (kubeseal's document splitter cuts them off from the
  // document; --merge-into and --recovery-unseal read the file whole).
  [
    "a %TAG prefix holding escapes",
    `%TAG !e! tag:yaml.org%2C2002:\n---\n${SECRET}stringData:\n  a: !e!int 0x1F\n  b: !e!str 1\n`,
  ],
  ["a duplicate %TAG handle", `%TAG !e! a:\n%TAG !e! b:\n---\n${SECRET}stringData:\n  a: x\n`],
  ["a %TAG handle without !", `%TAG e tag:\n---\n${SECRET}stringData:\n  a: x\n`],
  ["a %TAG handle !a!b!", `%TAG !a!b! tag:\n---\n${SECRET}stringData:\n  a: x\n`],
  ["a %TAG prefix with a bad escape", `%TAG !e! tag:%zz\n---\n${SECRET}stringData:\n  a: !e!x 1\n`],
  ["a %TAG prefix with #", `%TAG !e! tag:a#b\n---\n${SECRET}stringData:\n  a: !e!x 1\n`],
  ["a %TAG prefix and a comment", `%TAG !e! tag:ab # c\n---\n${SECRET}stringData:\n  a: !e!x 1\n`],
  // Empty first keys after properties on their line that Go fails on: a null key, a simple key
  // longer than 1,024 characters.
  ["an anchored empty first key (null)", `${SECRET}stringData:\n  &a : b\n`],
  ["a !!null empty first key", `${SECRET}stringData:\n  !!null : b\n`],
  ["a long tag on an empty first key", `${SECRET}stringData:\n  !${"t".repeat(1100)} : b\n`],
];

const sealedInputs: [string, string][] = [
  ["plain", `${SEALED}spec:\n  encryptedData:\n    a: AgBy\n`],
  ["null item", `${SEALED}spec:\n  encryptedData:\n    a:\n`],
  ["numeric item", `${SEALED}spec:\n  encryptedData:\n    a: 1234\n`],
  [
    "unquoted cluster-wide: true",
    `${SEALED}  annotations:\n    sealedsecrets.bitnami.com/cluster-wide: true\nspec:\n  encryptedData:\n    a: AgBy\n`,
  ],
  [
    "template with a numeric type",
    `${SEALED}spec:\n  encryptedData:\n    a: AgBy\n  template:\n    type: 1\n`,
  ],
  ["trailing ---", `${SEALED}spec:\n  encryptedData:\n    a: AgBy\n---\n`],
  ["trailing comment document", `${SEALED}spec:\n  encryptedData:\n    a: AgBy\n---\n# end\n`],
  ["no kind", "apiVersion: bitnami.com/v1alpha1\nmetadata:\n  name: s\nspec: {}\n"],
  ["another kind", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n"],
  // Another group with an empty version (`group/`): the version is not defaulted, and the
  // serializer fails on it before any kind check (seed 1578328129 of the generated corpus).
  ["an empty version in another group, no kind", "apiVersion: bitnami.co/\nmetadata:\n  name: s\n"],
  ["an empty version in another group (JSON)", '{"apiVersion": "foo/", "kind": "SealedSecret"}\n'],
  [
    "an empty version in the same group",
    '{"apiVersion": "bitnami.com/", "kind": "SealedSecret"}\n',
  ],
  ["an empty group", '{"apiVersion": "/v1alpha1", "kind": "SealedSecret"}\n'],
  [
    "JSON",
    '{"apiVersion": "bitnami.com/v1alpha1", "kind": "SealedSecret", "metadata": {"name": "s"}, "spec": {"encryptedData": {"a": "AgBy"}}}\n',
  ],
  ["deprecated data", `${SEALED}spec:\n  data: AgBy\n`],
  [
    "a %TAG prefix holding escapes",
    `%TAG !e! tag:yaml.org%2C2002:\n---\n${SEALED}spec:\n  encryptedData:\n    a: !e!int 12\n`,
  ],
  [
    "template annotations holding line separators",
    `${SEALED}spec:\n  encryptedData:\n    a: AgBy\n  template:\n    metadata:\n      annotations:\n        a: 'x\u2028          y'\n        b: "p\\L\u2029 q"\n`,
  ],
];

function bytesOf(what: string, text: string): Uint8Array {
  if (!what.startsWith("invalid UTF-8")) return Buffer.from(text, "utf8");
  return Buffer.from(text, "latin1");
}

/** Every checked-in input in each decoding kubeseal applies to its kind. */
/**
 * Inputs kubeseal reads that Signet must read too, not refuse as YAML 1.2 reads them otherwise:
 * tags as libyaml scans them (the handle `!!` with a suffix holding `!`, verbatim `!<!>`, a
 * verbatim tag with `,`) and the tag errors libyaml reports where the YAML 1.2 reader takes more.
 */
const readInputs: [string, string][] = [
  [
    "a password written !!Passw0rd! (handle !! and suffix Passw0rd!)",
    `${SECRET}stringData:\n  a: !!Passw0rd!\n  b: !!a!\n`,
  ],
  ["a !-holding suffix tags a value", `${SECRET}stringData:\n  a: !!a!b 123\n  b: !!x!y true\n`],
  ["verbatim ! and !! tags", `${SECRET}stringData:\n  a: !<!> 123\n  b: !<!!> x\n  c: !<!x> 12\n`],
  [
    "verbatim tags holding ',', escapes in tags",
    `${SECRET}stringData:\n  a: !<tag:yaml.org,2002:int> 0x1F\n  b: !<tag:yaml.org,2002:str> 12\n  c: !!%73tr 12\n  d: !<%21> x\n`,
  ],
  ["a tagged data value", `${SECRET}data:\n  a: !!a!b aGVsbG8=\n  b: !<!> aGk=\n`],
  [
    "a tagged map and list",
    `${SECRET}  labels: !!a!b {k: v}\n  finalizers: !<!> [x]\nstringData:\n  a: b\n`,
  ],
  ["a tag with #", `${SECRET}stringData:\n  a: !a#b x\n`],
  ["a verbatim tag with # or a blank", `${SECRET}stringData:\n  a: !<a#b> x\n  b: !<a b> x\n`],
  ["tags without a suffix or with an undefined handle", `${SECRET}stringData:\n  a: !! x\n`],
  ["an undefined handle", `${SECRET}stringData:\n  a: !a!b x\n`],
  ["a handle without a suffix", `${SECRET}stringData:\n  a: !x! 1\n`],
  ["a bad escape in a tag", `${SECRET}stringData:\n  a: !!a%zz x\n`],
  // libyaml decodes a tag's escapes octet by octet without checking the code point.
  [
    "overlong, surrogate and out-of-range escapes in tags",
    `${SECRET}stringData:\n  a: !%C0%80 12\n  b: !<%ED%A0%80> x\n  c: !!%F4%90%80%80\n  d: !%F7%BF%BF%BF 1\n`,
  ],
  // Properties before a mapping's empty first key on its line are the key's (libyaml), not the
  // mapping's (YAML 1.2).
  ["a tagged empty first key", `${SECRET}stringData:\n  !x : b\n  c: d\n`],
  [
    "an anchored, tagged empty first key and its alias",
    `${SECRET}  labels:\n    &a !!str : b\n    c: *a\nstringData:\n  ! : b\n`,
  ],
];

export function checkedIn(): DiffCase[] {
  const cases: DiffCase[] = [];
  const add = (prefix: string, inputs: [string, string][], modes: Mode[]): void => {
    for (const [what, text] of inputs) {
      for (const mode of modes) {
        cases.push({ id: `${prefix}: ${what} [${mode}]`, mode, input: bytesOf(what, text) });
      }
    }
  };
  add("secret", secretInputs, ["secrets", "generic"]);
  add("sealed", sealedInputs, ["sealedsecrets", "universal", "generic"]);
  add("read", readInputs, ["secrets", "generic"]);
  return cases;
}
