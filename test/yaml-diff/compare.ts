import { readObjects } from "../../packages/core/src/manifest/stream.js";
import { SEALED_SECRET_TYPE, SECRET_TYPE } from "../../packages/core/src/manifest/go-types.js";
import { marshalJson } from "../../packages/core/src/manifest/json-tree.js";
import { decodeUniversal } from "../../packages/core/src/manifest/universal.js";
import { yamlChunkToJson } from "../../packages/core/src/manifest/yaml-chunk.js";
import { canonicalText } from "./canonical.js";
import type { GoResult } from "./reference.js";

/** How Signet's decode of one input compares with Go's. */
export interface Comparison {
  same: boolean;
  /** Signet refused a document Go read (a documented, deliberate difference). */
  refusal?: string;
  detail: string;
}

interface Event {
  value?: string;
  empty: boolean;
  error?: string;
}

/** Go's error text reduced to what must agree: exact text, except YAML syntax errors (class). */
export function errorClass(message: string | undefined): string | undefined {
  if (message === undefined) return undefined;
  // YAML errors agree by class (wording and, where both fail, which error comes first may
  // differ); the alias budget must agree exactly.
  const syntax = /^(error converting YAML to JSON: )?yaml: (line \d+: )?(.*)$/s.exec(message);
  if (
    syntax &&
    !/^(document contains excessive aliasing|anchor '.*' value contains itself)/.test(syntax[3]!)
  ) {
    return `${syntax[1] ?? ""}yaml: <error>`;
  }
  // Signet does not repeat the text after `---` (it can be a whole Secret; yaml-reader.ts).
  if (message.startsWith("invalid Yaml document separator: "))
    return "invalid Yaml document separator";
  // Go quotes the whole input after "in"; Signet does not.
  const missing = /^Object '(Kind|apiVersion)' is missing in '/.exec(message);
  if (missing) return `Object '${missing[1]}' is missing`;
  if (/^(error converting YAML to JSON: )?unsupported map key/.test(message))
    return "unsupported map key";
  if (
    /^(no kind ".*" is registered for version|converting \(.*\) to \(.*\): unknown conversion)/.test(
      message,
    )
  ) {
    return "wrong kind";
  }
  return message;
}

/**
 * Consecutive failures of the same class that left the object empty, once (the Go program
 * records identical ones once; both sides are reduced by class so they line up).
 */
function collapse<T extends Event>(events: readonly T[]): T[] {
  const out: T[] = [];
  for (const e of events) {
    const prev = out[out.length - 1];
    const same =
      prev &&
      prev.empty &&
      e.empty &&
      e.error !== undefined &&
      errorClass(prev.error) === errorClass(e.error);
    // Signet's YAML 1.2 refusals stay apart: they are compared with what Go did instead.
    if (!same || (e as { yaml12?: boolean }).yaml12) out.push(e);
  }
  return out;
}

const YAML12 = "not valid YAML 1.2 (go-yaml reads it)";

interface OurEvent extends Event {
  refusal?: string;
  yaml12?: boolean;
  mapKey?: boolean;
}

/** Runs Signet's stream decoder for a "secrets"/"sealedsecrets" case and compares with Go. */
export function compareStream(
  input: Uint8Array,
  mode: "secrets" | "sealedsecrets",
  go: GoResult,
): Comparison {
  const outcome = readObjects(input, mode === "secrets" ? SECRET_TYPE : SEALED_SECRET_TYPE);
  const ours = collapse(
    outcome.events.map((e): OurEvent => ({
      ...(e.empty ? {} : { value: canonicalText(e.value) }),
      empty: e.empty,
      ...(e.error !== undefined ? { error: e.error } : {}),
      ...(e.refusal !== undefined ? { refusal: e.refusal } : {}),
      ...(e.yaml12 ? { yaml12: true } : {}),
      ...(e.mapKey ? { mapKey: true } : {}),
    })),
  );
  const theirs = collapse(go.events ?? []);
  for (let i = 0; i < ours.length; i++) {
    const a = ours[i]!;
    const b = theirs[i];
    if (a.refusal !== undefined) return { same: true, refusal: a.refusal, detail: "" };
    const aClass = errorClass(a.error);
    const bClass = errorClass(b?.error);
    if (a.yaml12 && (aClass !== bClass || a.value !== b?.value)) {
      // Both refuse the input here (the wording of YAML syntax errors differs), or Signet does.
      return b?.error !== undefined
        ? { same: true, detail: "" }
        : { same: true, refusal: YAML12, detail: "" };
    }
    // Go's object depends on its random map order here (so does whether kubeseal stops);
    // both fail on this document, which is what must agree.
    if ((a.mapKey || bClass === "unsupported map key") && aClass === bClass)
      return { same: true, detail: "" };
    const same =
      b !== undefined &&
      aClass === bClass &&
      a.empty === b.empty &&
      (a.empty || a.value === b.value);
    if (!same) return { same: false, detail: detail(theirs, ours, go.loops, outcome.loops) };
  }
  const same = theirs.length === ours.length && (go.loops ?? false) === outcome.loops;
  return { same, detail: same ? "" : detail(theirs, ours, go.loops, outcome.loops) };
}

function detail(
  theirs: readonly Event[],
  ours: readonly OurEvent[],
  goLoops: boolean | undefined,
  loops: boolean,
): string {
  const show = (events: readonly Event[]): string =>
    JSON.stringify(
      events.map((e) => ({ value: e.value, empty: e.empty, error: errorClass(e.error) })),
    );
  return `\n  go:     ${show(theirs)} loops=${String(goLoops ?? false)}\n  signet: ${show(ours)} loops=${String(loops)}`;
}

/** The universal decoder (kubeseal's --merge-into / --recovery-unseal) on one SealedSecret. */
export function compareUniversal(input: Uint8Array, go: GoResult): Comparison {
  const ours = decodeUniversal(input, SEALED_SECRET_TYPE, {
    group: "bitnami.com",
    version: "v1alpha1",
    kind: "SealedSecret",
  });
  if (!ours.ok && ours.refusal !== undefined)
    return { same: true, refusal: ours.refusal, detail: "" };
  if (!ours.ok && ours.yaml12 && errorClass(go.error) !== errorClass(ours.error)) {
    return go.error !== undefined
      ? { same: true, detail: "" }
      : { same: true, refusal: YAML12, detail: "" };
  }
  const a =
    go.error !== undefined ? `error: ${errorClass(go.error)}` : `value: ${String(go.value)}`;
  const b = ours.ok ? `value: ${canonicalText(ours.value)}` : `error: ${errorClass(ours.error)}`;
  return { same: a === b, detail: a === b ? "" : `\n  go:     ${a}\n  signet: ${b}` };
}

/** sigs.k8s.io/yaml.YAMLToJSON (no target): the JSON bytes must be identical. */
export function compareGeneric(input: Uint8Array, go: GoResult): Comparison {
  const ours = yamlChunkToJson(input);
  if (!ours.ok && ours.refusal !== undefined)
    return { same: true, refusal: ours.refusal, detail: "" };
  if (!ours.ok && ours.yaml12) {
    if (go.error === undefined) return { same: true, refusal: YAML12, detail: "" };
    return { same: true, detail: "" };
  }
  // Go writes a replaced invalid byte as the escape \ufffd, Signet as the character: same JSON.
  const goJson = Buffer.from(go.output ?? "", "base64")
    .toString("utf8")
    .replace(/\\ufffd/g, "\ufffd");
  const a = go.error !== undefined ? `error: ${errorClass(go.error)}` : `json: ${goJson}`;
  const b = ours.ok
    ? `json: ${marshalJson(ours.json)}`
    : `error: ${errorClass(ours.error.replace(/^error converting YAML to JSON: /, ""))}`;
  return { same: a === b, detail: a === b ? "" : `\n  go:     ${a}\n  signet: ${b}` };
}
