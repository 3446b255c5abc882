import { GoJsonStream, quoteChar, UNEXPECTED_EOF } from "./go-json-scan.js";
import { LIST_TYPE, SEALED_SECRET_LIST_TYPE, SEALED_SECRET_TYPE, SECRET_TYPE } from "./go-types.js";
import type { GoType } from "./go-types.js";
import { skipGoSpace } from "./go-unicode.js";
import { unmarshalInto } from "./go-unmarshal.js";
import type { TypedObject } from "./go-unmarshal.js";
import type { JsonValue } from "./json-tree.js";
import { SCHEME_KINDS, SCHEME_OPTION_KINDS } from "./k8s-scheme.js";
import { yamlChunkToJson } from "./yaml-chunk.js";

/**
 * The API machinery's `UniversalDecoder` as kubeseal uses it for `--merge-into`,
 * `--recovery-unseal` and key backups (`runtime.DecodeInto(codecs.UniversalDecoder(), b, &obj)`):
 * a buffer starting with `{` is one JSON value (anything after it is an error), anything else is
 * YAML of which the first document counts, converted to JSON without coercion (`name: 5` is a
 * type error here); apiVersion and kind are read case-insensitively and default to the target's
 * when missing; another kind is refused; fields match case-sensitively (sigs.k8s.io/json).
 */
export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export type UniversalResult =
  | { ok: true; value: TypedObject }
  | { ok: false; error: string; refusal?: string; yaml12?: boolean };

const FIND_KIND: GoType = {
  kind: "struct",
  name: "",
  typeName:
    'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }',
  fields: [
    { json: "apiVersion", type: { kind: "string", name: "string" } },
    { json: "kind", type: { kind: "string", name: "string" } },
  ],
};

/** `json.Unmarshal` of a whole buffer: one value, then only whitespace. */
function wholeJson(bytes: Uint8Array): { json: JsonValue } | { error: string } {
  const stream = new GoJsonStream(bytes);
  const first = stream.next();
  if (first.kind === "eof") return { error: "unexpected end of JSON input" };
  if (first.kind === "error") {
    return {
      error: first.error === UNEXPECTED_EOF ? "unexpected end of JSON input" : first.error.message,
    };
  }
  const rest = stream.next();
  if (rest.kind === "eof") return { json: first.value };
  const at = skipGoSpace(bytes, first.end);
  return { error: `invalid character ${quoteChar(bytes[at]!)} after top-level value` };
}

/** `schema.ParseGroupVersion`. */
function parseGroupVersion(
  apiVersion: string,
): { group: string; version: string } | { error: string } {
  if (apiVersion === "" || apiVersion === "/") return { group: "", version: "" };
  const slashes = apiVersion.split("/").length - 1;
  if (slashes === 0) return { group: "", version: apiVersion };
  if (slashes === 1) {
    const [group = "", version = ""] = apiVersion.split("/");
    return { group, version };
  }
  return { error: `unexpected GroupVersion string: ${apiVersion}` };
}

/** The serializer's `gvkWithDefaults`: missing parts come from the target type. */
function withDefaults(actual: GroupVersionKind, target: GroupVersionKind): GroupVersionKind {
  const out = { ...actual };
  if (out.kind === "") out.kind = target.kind;
  if (out.version === "" && out.group === "") {
    out.group = target.group;
    out.version = target.version;
  }
  if (out.version === "" && out.group === target.group) out.version = target.version;
  return out;
}

/**
 * Kinds the scheme kubeseal uses knows besides the target, which it decodes into their own type
 * before failing to convert them (so their type errors come first). Others are "not registered".
 */
const REGISTERED: readonly [string, GoType][] = [
  ["v1/Secret", SECRET_TYPE],
  ["v1/List", LIST_TYPE],
  ["bitnami.com/v1alpha1/SealedSecret", SEALED_SECRET_TYPE],
  ["bitnami.com/v1alpha1/SealedSecretList", SEALED_SECRET_LIST_TYPE],
];

function goTypeName(type: GoType): string {
  return type.kind === "struct" ? type.typeName : type.name;
}

function groupVersion(gvk: GroupVersionKind): string {
  return gvk.group === "" ? gvk.version : `${gvk.group}/${gvk.version}`;
}

function interpret(
  json: JsonValue,
  target: GroupVersionKind,
): GroupVersionKind | { error: string } {
  const found: TypedObject = {};
  const { error } = unmarshalInto(FIND_KIND, found, json);
  if (error !== undefined)
    return { error: `couldn't get version/kind; json parse error: ${error}` };
  const gv = parseGroupVersion(typeof found["apiVersion"] === "string" ? found["apiVersion"] : "");
  if ("error" in gv) return gv;
  const kind = typeof found["kind"] === "string" ? found["kind"] : "";
  return withDefaults({ ...gv, kind }, target);
}

function toJsonValue(
  bytes: Uint8Array,
  yamlOnly: boolean,
): { json: JsonValue } | { error: string; refusal?: string; yaml12?: boolean } {
  const start = skipGoSpace(bytes, 0);
  if (!yamlOnly && bytes[start] === 0x7b) {
    const whole = wholeJson(bytes);
    return "error" in whole
      ? { error: `couldn't get version/kind; json parse error: ${whole.error}` }
      : whole;
  }
  const converted = yamlChunkToJson(bytes);
  if (converted.ok) return { json: converted.json };
  const { ok: _ok, error, ...rest } = converted;
  return { error: error.replace(/^error converting YAML to JSON: /, ""), ...rest };
}

/** How a decoder differs from kubeseal's universal decoder. */
export interface UniversalOptions {
  /**
   * Every input goes through sigs.k8s.io/yaml's YAMLToJSON, JSON included (a serializer built
   * with `Yaml: true`, as client-go's kubeconfig codec is): text after a JSON value is ignored.
   */
  yamlOnly?: boolean;
  /**
   * The scheme: kubeseal's (client-go's kubernetes scheme and the SealedSecret types, the
   * default) or client-go's kubeconfig scheme (the target alone).
   */
  scheme?: "kubeseal" | "target";
}

/** The Go type name of a kind kubeseal's scheme knows without Signet having its schema. */
function schemeTypeName(
  groupVersionText: string,
  version: string,
  kind: string,
): string | undefined {
  if (SCHEME_OPTION_KINDS.includes(kind)) return `v1.${kind}`;
  // Own entries only: an apiVersion such as `constructor` must not find Object's members.
  const kinds = Object.hasOwn(SCHEME_KINDS, groupVersionText)
    ? SCHEME_KINDS[groupVersionText]!.split(" ")
    : [];
  return kinds.includes(kind) ? `${version}.${kind}` : undefined;
}

/**
 * Another kind than the target: a kind of the scheme is decoded into its own type (so its type
 * errors come first; Signet knows the schemas of Secret, List and the SealedSecret types, and
 * names the conversion for the others), then cannot be converted; any other kind is not
 * registered.
 */
function otherKind(
  json: JsonValue,
  gvk: GroupVersionKind,
  type: GoType,
  scheme: "kubeseal" | "target",
): UniversalResult {
  const gv = groupVersion(gvk);
  const name = `${gv}/${gvk.kind}`;
  const known = scheme === "kubeseal" ? REGISTERED.find(([k]) => k === name)?.[1] : undefined;
  const error = known ? unmarshalInto(known, {}, json, { caseSensitive: true }).error : undefined;
  const typeName = known
    ? goTypeName(known)
    : scheme === "kubeseal"
      ? schemeTypeName(gv, gvk.version, gvk.kind)
      : undefined;
  if (typeName === undefined) {
    return {
      ok: false,
      error: `no kind "${gvk.kind}" is registered for version "${gv}" in scheme "pkg/runtime/scheme.go:111"`,
    };
  }
  return {
    ok: false,
    error: error ?? `converting (${typeName}) to (${goTypeName(type)}): unknown conversion`,
  };
}

/** Decodes `bytes` into `type` (whose group/version/kind is `target`) as the universal decoder. */
export function decodeUniversal(
  bytes: Uint8Array,
  type: GoType,
  target: GroupVersionKind,
  options: UniversalOptions = {},
): UniversalResult {
  const read = toJsonValue(bytes, options.yamlOnly ?? false);
  if ("error" in read) return { ok: false, ...read };
  const gvk = interpret(read.json, target);
  if ("error" in gvk) return { ok: false, error: gvk.error };
  // The serializer's check once defaults are applied (an apiVersion `other.group/` keeps an
  // empty version; the kind never stays empty, the target's fills it). Go quotes the whole input
  // here; Signet does not repeat input text.
  if (gvk.version === "") return { ok: false, error: "Object 'apiVersion' is missing in '…'" };
  if (gvk.group !== target.group || gvk.version !== target.version || gvk.kind !== target.kind) {
    return otherKind(read.json, gvk, type, options.scheme ?? "kubeseal");
  }
  const value: TypedObject = {};
  const { error } = unmarshalInto(type, value, read.json, { caseSensitive: true });
  return error === undefined ? { ok: true, value } : { ok: false, error };
}
