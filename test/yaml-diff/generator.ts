/**
 * A seeded generator of Kubernetes manifests for the differential tests: Secrets and
 * SealedSecrets written in every way YAML allows (block and flow styles, every scalar style,
 * YAML 1.1 scalar forms, tags, anchors, aliases and merge keys, comments, several documents,
 * JSON inside YAML streams, CRLF, BOM, tabs, invalid UTF-8...), valid or not. The same seed
 * gives the same inputs.
 */

/** sfc32: a small seeded PRNG (values in [0, 1)). */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  next(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    const t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    const r = (t + this.d) | 0;
    this.c = (this.c + r) | 0;
    return (r >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

/** YAML 1.1 scalar forms and other text that tools read differently. */
export const SCALARS: readonly string[] = [
  // booleans and lookalikes
  "y",
  "Y",
  "yes",
  "Yes",
  "YES",
  "yES",
  "n",
  "N",
  "no",
  "No",
  "NO",
  "true",
  "True",
  "TRUE",
  "tRUE",
  "false",
  "False",
  "FALSE",
  "on",
  "On",
  "ON",
  "off",
  "Off",
  "OFF",
  // nulls
  "",
  "~",
  "null",
  "Null",
  "NULL",
  "nULL",
  // integers
  "0",
  "1",
  "-1",
  "+1",
  "007",
  "0o17",
  "0O17",
  "0x1F",
  "0X1f",
  "0x",
  "0b101",
  "-0b101",
  "0b-101",
  "0b2",
  "1_000",
  "1__0",
  "_1",
  "1_",
  "9007199254740993",
  "9223372036854775807",
  "9223372036854775808",
  "-9223372036854775808",
  "-9223372036854775809",
  "18446744073709551615",
  "18446744073709551616",
  "190:20:30",
  "1:20",
  "08",
  "09",
  "0777",
  "-0",
  "+0",
  "00",
  // floats
  "1.0",
  "1.10",
  ".5",
  "+.5",
  "-.5",
  "1e3",
  "1E3",
  "1.e5",
  "6.8523015e+5",
  "685.230_15e+03",
  "1e400",
  "1e-400",
  ".inf",
  "-.Inf",
  "+.INF",
  ".Inf",
  ".NaN",
  ".nan",
  ".NAN",
  ".Nan",
  "190:20:30.15",
  "0.1234567891",
  "3.4e38",
  "1e39",
  "16777217.0",
  "-0.0",
  "1.5e-7",
  "123456789.123",
  ".",
  "1.",
  "0x1p-2",
  "inf",
  "NaN",
  "1e",
  // timestamps
  "2001-12-14t21:59:43.10-05:00",
  "2001-12-14 21:59:43.10 -5",
  "2001-12-15T02:59:43.1Z",
  "2002-12-14",
  "2024-1-2",
  "2024-02-30",
  "2024-01-02T10:00:00+25:00",
  "2024-01-02T24:00:00Z",
  "12024-01-02",
  "2024-01-02T10:00:00,5Z",
  "2024-01-02 10:00:00",
  // strings
  "hello",
  "hello world",
  "http://example.com:80/path?q=1",
  "a: b",
  "a:b",
  "#",
  "a #b",
  "a#b",
  "héllo",
  "日本",
  "😀",
  "-",
  "--",
  "---",
  "...",
  "?",
  ":",
  "'",
  '"',
  "<<",
  "=",
  "@x",
  "`x",
  "%x",
  "!x",
  "&x",
  "*x",
  "|",
  ">",
  "- x",
  "? x",
  "[a]",
  "{a: b}",
  "a,b",
  " lead",
  "trail ",
  "two  spaces",
  "tab\there",
  "\\",
  "<b>&amp;</b>",
  "\u2028",
  "a\u2028b",
  "\u2029",
  "x\u2028\u2029y",
  "a \u2028 b",
  "\u2028lead",
  "trail\u2029",
  "a\u0085b",
  "\u00a0",
  "\u00ad",
  "\u007f",
  "\u0080",
  "c\u0301",
  "__proto__",
  "constructor",
  "YQ==",
  "YWJj",
  "aGVsbG8=",
  "aGVsbG8",
  "aGV sbG8=",
  "aGVs\nbG8=",
  "-_-_",
  "Zm9v!",
  "x".repeat(90),
  "word ".repeat(20).trim(),
  "a\nb",
  "a\n\nb\n",
  "line\n",
  " \n",
  "\ta",
];

/** Keys that Kubernetes types know, their case variants, and keys that are not strings in YAML 1.1. */
const SECRET_KEYS = ["apiVersion", "kind", "metadata", "data", "stringData", "type", "immutable"];
const META_KEYS = [
  "name",
  "namespace",
  "labels",
  "annotations",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "finalizers",
  "ownerReferences",
  "uid",
  "resourceVersion",
  "generateName",
  "selfLink",
  "managedFields",
];
const KEY_VARIANTS: Record<string, string[]> = {
  metadata: ["Metadata", "METADATA"],
  data: ["Data", "DATA"],
  stringData: ["StringData", "STRINGDATA", "\u017ftringData", "stringdata"],
  kind: ["Kind", "\u212aind"],
  name: ["Name", "NAME"],
  labels: ["Labels"],
  annotations: ["Annotations"],
  encryptedData: ["EncryptedData", "encrypteddata"],
  spec: ["Spec"],
  template: ["Template"],
};

/** A YAML tree with presentation choices. */
export type GenNode =
  | {
      t: "scalar";
      text: string;
      tag?: string;
      style?: "plain" | "single" | "double" | "literal" | "folded" | "json";
    }
  | { t: "map"; entries: [GenNode, GenNode][]; flow?: boolean; tag?: string }
  | { t: "seq"; items: GenNode[]; flow?: boolean; tag?: string }
  | { t: "alias"; name: string }
  | { t: "raw"; text: string };

type Anchored = GenNode & { anchor?: string };

export const S = (text: string, style?: "plain" | "single" | "double" | "json"): GenNode => ({
  t: "scalar",
  text,
  ...(style ? { style } : {}),
});
export const M = (entries: [string | GenNode, GenNode][], flow?: boolean): GenNode => ({
  t: "map",
  entries: entries.map(([k, v]) => [typeof k === "string" ? S(k) : k, v]),
  ...(flow ? { flow } : {}),
});

const BASE64_VALUES = [
  "YQ==",
  "YWJj",
  "aGVsbG8=",
  "",
  "aGVsbG8",
  "aGV sbG8=",
  "aGVs\nbG8=",
  "Zm9v!",
  "-_-_",
  "AAAA",
  "/+/+",
  "YQ",
];
const TAGS = [
  "!!str",
  "!!int",
  "!!float",
  "!!bool",
  "!!null",
  "!!binary",
  "!!timestamp",
  "!",
  "!foo",
  "!!map",
  "!!seq",
  "!<tag:yaml.org,2002:str>",
];

export class Generator {
  readonly rng: Random;
  private anchorCount = 0;
  private anchors: string[] = [];

  constructor(seed: number) {
    this.rng = new Random(seed);
  }

  private scalar(pool: readonly string[] = SCALARS): GenNode {
    const node: GenNode & { t: "scalar" } = { t: "scalar", text: this.rng.pick(pool) };
    const r = this.rng.next();
    node.style =
      r < 0.55
        ? "plain"
        : r < 0.7
          ? "double"
          : r < 0.82
            ? "single"
            : r < 0.94
              ? "literal"
              : "folded";
    if (this.rng.chance(0.06)) node.tag = this.rng.pick(TAGS);
    return node;
  }

  private key(name: string): GenNode {
    const variants = KEY_VARIANTS[name];
    const text = variants && this.rng.chance(0.05) ? this.rng.pick(variants) : name;
    const style = this.rng.chance(0.1) ? this.rng.pick(["single", "double"] as const) : "plain";
    return { t: "scalar", text, style };
  }

  private stringMap(values: readonly string[] = SCALARS): GenNode {
    const entries: [GenNode, GenNode][] = [];
    const n = this.rng.int(4);
    for (let i = 0; i < n; i++) {
      const key = this.rng.chance(0.8)
        ? S(this.rng.pick(["a", "b", "key", "app.kubernetes.io/name", "x_y", "k8s"]))
        : this.scalar();
      entries.push([key, this.scalar(values)]);
    }
    if (this.rng.chance(0.05)) entries.push([S("<<"), this.mergeValue()]);
    return this.maybeFlow({ t: "map", entries });
  }

  private mergeValue(): GenNode {
    const r = this.rng.next();
    if (r < 0.3 && this.anchors.length > 0)
      return { t: "alias", name: this.rng.pick(this.anchors) };
    if (r < 0.6)
      return M(
        [
          ["a", this.scalar()],
          ["m", S("merged")],
        ],
        true,
      );
    if (r < 0.8)
      return {
        t: "seq",
        items: [
          M([["a", S("1")]], true),
          M(
            [
              ["a", S("2")],
              ["b", S("3")],
            ],
            true,
          ),
        ],
        flow: true,
      };
    return this.scalar();
  }

  private maybeFlow(node: GenNode & { t: "map" | "seq" }): GenNode {
    if (this.rng.chance(0.2)) node.flow = true;
    return this.maybeAnchor(node);
  }

  private maybeAnchor(node: GenNode): GenNode {
    if (!this.rng.chance(0.08)) return node;
    const name = this.rng.chance(0.05) ? "x.y" : `a${this.anchorCount++}`;
    this.anchors.push(name);
    return { ...node, anchor: name } as Anchored;
  }

  private value(pool?: readonly string[]): GenNode {
    const r = this.rng.next();
    if (r < 0.05 && this.anchors.length > 0)
      return { t: "alias", name: this.rng.pick(this.anchors) };
    if (r < 0.08) return { t: "alias", name: "undefined" };
    return this.maybeAnchor(this.scalar(pool));
  }

  private metadata(): GenNode {
    const entries: [GenNode, GenNode][] = [];
    const use = (name: string, value: GenNode): void => void entries.push([this.key(name), value]);
    if (this.rng.chance(0.9))
      use(
        "name",
        this.rng.chance(0.7) ? S(this.rng.pick(["my-secret", "s1", "db"])) : this.value(),
      );
    if (this.rng.chance(0.6))
      use(
        "namespace",
        this.rng.chance(0.7) ? S(this.rng.pick(["default", "prod", "kube-system"])) : this.value(),
      );
    if (this.rng.chance(0.4)) use("labels", this.stringMap());
    if (this.rng.chance(0.4)) {
      const annotations = this.stringMap();
      if (annotations.t === "map" && this.rng.chance(0.5)) {
        annotations.entries.push([
          S(
            this.rng.pick([
              "sealedsecrets.bitnami.com/cluster-wide",
              "sealedsecrets.bitnami.com/namespace-wide",
            ]),
          ),
          this.scalar(["true", "True", "yes", "on", "1", "false"]),
        ]);
      }
      use("annotations", annotations);
    }
    for (const extra of META_KEYS.slice(4)) {
      if (this.rng.chance(0.06)) use(extra, this.extraMeta(extra));
    }
    if (this.rng.chance(0.05)) entries.push([S("<<"), this.mergeValue()]);
    return this.maybeFlow({ t: "map", entries });
  }

  private extraMeta(name: string): GenNode {
    switch (name) {
      case "finalizers":
        return this.maybeFlow({ t: "seq", items: [this.value(), this.value()] });
      case "ownerReferences":
        return {
          t: "seq",
          items: [
            M([
              ["apiVersion", S("v1")],
              ["kind", S("Pod")],
              ["name", this.value()],
              ["uid", this.value()],
              ["controller", this.value(["true", "yes", "1", "x"])],
            ]),
          ],
        };
      case "managedFields":
        return {
          t: "seq",
          items: [
            M([
              ["manager", S("kubectl")],
              ["time", this.value(["2024-01-02T10:00:00Z", "x"])],
              ["fieldsV1", this.fieldsV1()],
            ]),
          ],
        };
      default:
        return this.value();
    }
  }

  /**
   * What a FieldsV1 holds: the usual `f:` map, or any map (its raw JSON text is compared: key
   * order, number and string forms, NaN, keys that collide once converted).
   */
  private fieldsV1(): GenNode {
    if (this.rng.chance(0.5)) return M([["f:data", M([])]], true);
    const inner = this.stringMap();
    return this.maybeFlow({
      t: "map",
      entries: [
        [S("f:data"), inner],
        [this.scalar(), this.value()],
        [S("f:list"), this.maybeFlow({ t: "seq", items: [this.value(), this.stringMap()] })],
      ],
    });
  }

  /** A v1.Secret in some shape. */
  secret(): GenNode {
    this.anchors = [];
    const entries: [GenNode, GenNode][] = [];
    const use = (name: string, value: GenNode): void => void entries.push([this.key(name), value]);
    if (this.rng.chance(0.85)) use("apiVersion", this.rng.chance(0.9) ? S("v1") : this.value());
    if (this.rng.chance(0.85))
      use(
        "kind",
        this.rng.chance(0.85) ? S("Secret") : this.value(["List", "ConfigMap", "secret", "1", ""]),
      );
    if (this.rng.chance(0.92)) use("metadata", this.metadata());
    if (this.rng.chance(0.5)) use("type", this.rng.chance(0.7) ? S("Opaque") : this.value());
    if (this.rng.chance(0.1))
      use("immutable", this.value(["true", "yes", "on", "false", "1", "x"]));
    if (this.rng.chance(0.6))
      use("data", this.stringMap(BASE64_VALUES.concat(SCALARS.slice(0, 20))));
    if (this.rng.chance(0.6)) use("stringData", this.stringMap());
    if (this.rng.chance(0.1)) use(this.rng.pick(SECRET_KEYS), this.value());
    if (this.rng.chance(0.1)) entries.push([this.scalar(), this.value()]);
    return this.maybeFlow({ t: "map", entries });
  }

  /** A v1alpha1.SealedSecret in some shape. */
  sealedSecret(): GenNode {
    this.anchors = [];
    const entries: [GenNode, GenNode][] = [];
    const use = (name: string, value: GenNode): void => void entries.push([this.key(name), value]);
    if (this.rng.chance(0.85))
      use(
        "apiVersion",
        S(
          this.rng.pick([
            "bitnami.com/v1alpha1",
            "bitnami.com/v1alpha1",
            "v1",
            "bitnami.com/",
            "a/b/c",
          ]),
        ),
      );
    if (this.rng.chance(0.85))
      use(
        "kind",
        S(this.rng.pick(["SealedSecret", "SealedSecret", "SealedSecretList", "Secret", "Foo"])),
      );
    if (this.rng.chance(0.9)) use("metadata", this.metadata());
    const spec: [GenNode, GenNode][] = [];
    if (this.rng.chance(0.9))
      spec.push([
        this.key("encryptedData"),
        this.stringMap(BASE64_VALUES.concat(["1", "true", "~"])),
      ]);
    if (this.rng.chance(0.4))
      spec.push([
        this.key("template"),
        M([
          ["metadata", this.metadata()],
          ["type", this.value()],
          ["data", this.stringMap()],
        ]),
      ]);
    if (this.rng.chance(0.1)) spec.push([S("data"), this.value(BASE64_VALUES)]);
    if (this.rng.chance(0.92)) use("spec", this.maybeFlow({ t: "map", entries: spec }));
    if (this.rng.chance(0.15)) {
      use(
        "status",
        M([
          ["observedGeneration", this.value(["1", "2.0", "1.5", "x"])],
          [
            "conditions",
            {
              t: "seq",
              items: [
                M([
                  ["type", S("Synced")],
                  ["status", this.value(["True", "true", "yes"])],
                  ["lastUpdateTime", this.value(["2024-01-02T10:00:00Z", "2024-01-02", "x"])],
                ]),
              ],
            },
          ],
        ]),
      );
    }
    return this.maybeFlow({ t: "map", entries });
  }
}
