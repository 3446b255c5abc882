import { renderTemplates } from "../../packages/core/src/index.js";
import { DATA, NOW } from "./corpus.js";
import { seededRandom } from "./reference.js";
import type { DiffCase, GoResult } from "./reference.js";

/**
 * Comparison of Signet's renders with Go's, shared by the differential tests: byte-exact output
 * or failure on both sides, except for the documented, deliberate differences below, which are
 * counted (docs: packages/core/src/template/README.md, "Known, deliberate differences").
 */

/** One Signet render. */
export interface SignetResult {
  ok: boolean;
  output: Buffer;
  code?: string;
  message?: string;
}

/** Renders a case over the corpus data, with data-dependent templates allowed or not. */
export function renderSignet(c: DiffCase, allowDataDependent: boolean): SignetResult {
  const { data, failures } = renderTemplates({ [c.id]: c.template }, DATA, {
    now: () => new Date(NOW),
    random: seededRandom(),
    allowDataDependent,
  });
  const f = failures[0];
  if (f === undefined) return { ok: true, output: Buffer.from(data[c.id] ?? new Uint8Array()) };
  return { ok: false, output: Buffer.alloc(0), code: f.code, message: f.message };
}

const REFUSED_FUNCTIONS =
  /\b(bcrypt|htpasswd|derivePassword|genPrivateKey|genCA|genCAWithKey|genSelfSignedCert|genSelfSignedCertWithKey|genSignedCert|genSignedCertWithKey|buildCustomCert)\b/;
const RANDOM_FUNCTIONS =
  /\b(randAlphaNum|randAlpha|randNumeric|randAscii|randBytes|randInt|uuidv4|shuffle|encryptAES)\b/;
const CLOCK_FUNCTIONS = /\b(date|dateInZone|date_in_zone|htmlDate|htmlDateInZone|ago)\b/;
const SEMVER_METHODS =
  /\)\.(Compare|Equal|LessThan|GreaterThan|LessThanEqual|GreaterThanEqual|IncMajor|IncMinor|IncPatch|SetPrerelease|SetMetadata)\b/;

/** The documented difference a mismatch falls under, or undefined when it is a bug. */
export function documentedDifference(
  template: string,
  go: GoResult,
  ours: SignetResult,
): string | undefined {
  if (RANDOM_FUNCTIONS.test(template) && go.ok === ours.ok) return "random output";
  if (ours.ok) {
    // Go reads the real clock for a date of anything that is not a time; Signet the injected now.
    return CLOCK_FUNCTIONS.test(template) && go.ok ? "clock of non-time dates" : undefined;
  }
  const m = ours.message ?? "";
  if (ours.code === "ERR_TEMPLATE_REFUSED" && REFUSED_FUNCTIONS.test(template)) {
    return "refused function";
  }
  if (ours.code === "ERR_TEMPLATE_REFUSED" && m.includes("regular expression with")) {
    return "regular expression refused (backtracking)";
  }
  if (ours.code === "ERR_TEMPLATE_PARSE" && m.includes("complex numbers are not supported")) {
    return "complex number";
  }
  if (ours.code === "ERR_TEMPLATE_BUDGET") return "budget";
  if (ours.code === "ERR_TEMPLATE_EXEC" && SEMVER_METHODS.test(template)) {
    return "semver method outside the allowlist";
  }
  return undefined;
}

/** The outcome of comparing a corpus. */
export interface Comparison {
  /** Undocumented differences (must be empty). */
  diffs: string[];
  /** Documented differences by category. */
  documented: Map<string, number>;
  /** Cases the default (opaque) mode refuses as data-dependent. */
  dataDependent: number;
  /** Cases the default mode accepts, and among them those that render unlike Go. */
  opaqueAccepted: number;
  opaqueDiffs: string[];
}

function same(go: GoResult, ours: SignetResult): boolean {
  if (go.ok !== ours.ok) return false;
  return !go.ok || Buffer.from(go.output, "base64").equals(ours.output);
}

function describe(c: DiffCase, go: GoResult, ours: SignetResult): string {
  const theirs = go.ok
    ? JSON.stringify(Buffer.from(go.output, "base64").toString("latin1"))
    : go.error;
  const mine = ours.ok
    ? JSON.stringify(ours.output.toString("latin1"))
    : `${ours.code} ${ours.message}`;
  return `${c.id} ${JSON.stringify(c.template)}\n   go: ${theirs}\n   us: ${mine}`;
}

/**
 * Compares every case: with data-dependent templates allowed (Go's semantics) Signet must agree
 * with Go or differ in a documented way; in the default mode, every template the static check
 * accepts must render exactly as it does with them allowed (and so as Go).
 */
export function compareCorpus(cases: readonly DiffCase[], go: Map<string, GoResult>): Comparison {
  const out: Comparison = {
    diffs: [],
    documented: new Map(),
    dataDependent: 0,
    opaqueAccepted: 0,
    opaqueDiffs: [],
  };
  for (const c of cases) {
    const ref = go.get(c.id);
    if (ref === undefined) {
      out.diffs.push(`${c.id}: no Go result`);
      continue;
    }
    const ours = renderSignet(c, true);
    const agrees = same(ref, ours);
    if (!agrees) {
      const category = documentedDifference(c.template, ref, ours);
      if (category === undefined) out.diffs.push(describe(c, ref, ours));
      else out.documented.set(category, (out.documented.get(category) ?? 0) + 1);
    }
    const opaque = renderSignet(c, false);
    if (opaque.code === "ERR_TEMPLATE_DATA_DEPENDENT") {
      out.dataDependent++;
      continue;
    }
    out.opaqueAccepted++;
    const sameAsPermissive =
      opaque.ok === ours.ok &&
      opaque.output.equals(ours.output) &&
      (opaque.ok || opaque.code === ours.code);
    // Equal to the permissive render, hence to Go (or the same documented difference).
    if (!sameAsPermissive) out.opaqueDiffs.push(describe(c, ref, opaque));
  }
  return out;
}
