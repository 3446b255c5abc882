import { execFault } from "../failure.js";
import { fn } from "../funcs.js";
import type { CallContext, FuncDef } from "../funcs.js";
import { GoInt, GoStruct } from "../value.js";
import type { GoValue } from "../value.js";

/**
 * sprig v3.3.0 `semver` and `semverCompare` (Masterminds/semver v3.3.0): versions, comparison
 * operators, ranges (`-`, `||`, `,`/space AND), `^`, `~` and wildcards.
 */

interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: string;
  meta: string;
  original: string;
}

const LOOSE =
  /^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$/;

function parseVersion(s: string): Version | null {
  const m = LOOSE.exec(s);
  if (m === null) return null;
  const pre = m[5] ?? "";
  if (pre.split(".").some((p) => /^0[0-9]+$/.test(p))) return null;
  const [major, minor, patch] = [m[1] ?? "0", (m[2] ?? ".0").slice(1), (m[3] ?? ".0").slice(1)].map(
    BigInt,
  );
  // NewVersion reads each segment with strconv.ParseUint(s, 10, 64): larger is an error.
  if ([major, minor, patch].some((n) => n === undefined || n >= 1n << 64n)) return null;
  return {
    major: major ?? 0n,
    minor: minor ?? 0n,
    patch: patch ?? 0n,
    pre,
    meta: m[8] ?? "",
    original: s,
  };
}

function comparePre(a: string, b: string): number {
  if (a === b) return 0;
  if (a === "") return 1;
  if (b === "") return -1;
  const pa = a.split(".");
  const pb = b.split(".");
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const c = compareIdent(x, y);
    if (c !== 0) return c;
  }
  return 0;
}

function compareIdent(x: string, y: string): number {
  const nx = /^[0-9]+$/.test(x);
  const ny = /^[0-9]+$/.test(y);
  if (nx && ny) return Math.sign(Number(BigInt(x) - BigInt(y)));
  if (nx) return -1;
  if (ny) return 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function compare(a: Version, b: Version): number {
  for (const k of ["major", "minor", "patch"] as const) {
    if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  }
  return comparePre(a.pre, b.pre);
}

function versionString(v: Version): string {
  let s = `${v.major}.${v.minor}.${v.patch}`;
  if (v.pre !== "") s += `-${v.pre}`;
  if (v.meta !== "") s += `+${v.meta}`;
  return s;
}

function toStruct(v: Version): GoStruct {
  const fields = new Map<string, () => GoValue>([
    ["Major", () => goUint(v.major)],
    ["Minor", () => goUint(v.minor)],
    ["Patch", () => goUint(v.patch)],
    ["Prerelease", () => v.pre],
    ["Metadata", () => v.meta],
    ["Original", () => v.original],
    ["String", () => versionString(v)],
  ]);
  return new GoStruct("*semver.Version", fields, () => versionString(v));
}

/** semver.Version's Major/Minor/Patch are uint64. */
function goUint(v: bigint): GoValue {
  return new GoInt("uint64", BigInt.asUintN(64, v));
}

/** A parsed constraint (Masterminds/semver v3.3.0 `constraints.go`). */
interface Constraint {
  op: string;
  con: Version;
  dirty: boolean;
  minorDirty: boolean;
  patchDirty: boolean;
}

const CV = String.raw`v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?`;
const OPS = String.raw`=||!=|>|<|>=|=>|<=|=<|~|~>|\^`;
const CONSTRAINT_RE = new RegExp(String.raw`^\s*(${OPS})\s*(${CV})\s*$`);
const RANGE_RE = new RegExp(String.raw`\s*(${CV})\s+-\s+(${CV})\s*`, "g");
const FIND_RE = new RegExp(String.raw`(${OPS})\s*(${CV})`, "g");
const VALID_RE = new RegExp(
  String.raw`^(\s*(${OPS})\s*(${CV})\s*)((?:\s+|,\s*)(${OPS})\s*(${CV})\s*)*$`,
);

const isX = (s: string): boolean => s === "x" || s === "*" || s === "X";

function dirtyVersion(m: RegExpExecArray): { ver: string; dirt: [boolean, boolean, boolean] } {
  const [, , , major = "", minor = "", patch = "", pre = ""] = m;
  if (isX(major) || major === "") return { ver: `0.0.0${pre}`, dirt: [true, false, false] };
  if (isX(minor.replace(/^\./, "")) || minor === "") {
    return { ver: `${major}.0.0${pre}`, dirt: [true, true, false] };
  }
  if (isX(patch.replace(/^\./, "")) || patch === "") {
    return { ver: `${major}${minor}.0${pre}`, dirt: [true, false, true] };
  }
  return { ver: m[2] ?? "", dirt: [false, false, false] };
}

function parseConstraint(c: string): Constraint {
  const m = CONSTRAINT_RE.exec(c);
  if (m === null) throw execFault("improper constraint");
  const { ver, dirt } = dirtyVersion(m);
  const con = parseVersion(ver);
  if (con === null) throw execFault("constraint parser error");
  return { op: m[1] ?? "", con, dirty: dirt[0], minorDirty: dirt[1], patchDirty: dirt[2] };
}

const LT = (v: Version, c: Constraint): boolean => compare(v, c.con) < 0;

function notEqualDirty(v: Version, c: Constraint): boolean {
  if (c.con.major !== v.major) return true;
  if (c.minorDirty) return false;
  if (c.con.minor !== v.minor) return true;
  if (c.patchDirty) return (v.pre !== "" || c.con.pre !== "") && comparePre(v.pre, c.con.pre) !== 0;
  return c.con.patch !== v.patch || compare(v, c.con) !== 0;
}

function greaterDirty(v: Version, c: Constraint): boolean {
  if (v.major !== c.con.major) return v.major > c.con.major;
  if (c.minorDirty) return false;
  if (c.patchDirty) return v.minor > c.con.minor;
  return compare(v, c.con) > 0;
}

function lessEqualDirty(v: Version, c: Constraint): boolean {
  if (v.major > c.con.major) return false;
  return !(v.major === c.con.major && v.minor > c.con.minor && !c.minorDirty);
}

function tilde(v: Version, c: Constraint): boolean {
  if (LT(v, c)) return false;
  const zero = c.con.major === 0n && c.con.minor === 0n && c.con.patch === 0n;
  if (zero && !c.minorDirty && !c.patchDirty) return true;
  if (v.major !== c.con.major) return false;
  return v.minor === c.con.minor || c.minorDirty;
}

function caret(v: Version, c: Constraint): boolean {
  if (LT(v, c)) return false;
  if (c.con.major > 0n || c.minorDirty) return v.major === c.con.major;
  if (v.major > 0n) return false;
  if (c.con.minor > 0n || c.patchDirty) return v.minor === c.con.minor;
  if (v.minor > 0n) return false;
  return c.con.patch === v.patch;
}

const CHECKS: Readonly<Record<string, (v: Version, c: Constraint) => boolean>> = {
  "": (v, c) => (c.dirty ? tilde(v, c) : compare(v, c.con) === 0),
  "!=": (v, c) => (c.dirty ? notEqualDirty(v, c) : compare(v, c.con) !== 0),
  ">": (v, c) => (c.dirty ? greaterDirty(v, c) : compare(v, c.con) > 0),
  "<": (v, c) => compare(v, c.con) < 0,
  ">=": (v, c) => compare(v, c.con) >= 0,
  "<=": (v, c) => (c.dirty ? lessEqualDirty(v, c) : compare(v, c.con) <= 0),
  "~": tilde,
  "^": caret,
};
const ALIASES: Readonly<Record<string, string>> = { "=": "", "=>": ">=", "=<": "<=", "~>": "~" };

function check(c: Constraint, v: Version): boolean {
  if (v.pre !== "" && c.con.pre === "" && c.op !== "!=") return false;
  if (v.pre !== "" && c.con.pre === "" && c.dirty) return false;
  const op = ALIASES[c.op] ?? c.op;
  const f = CHECKS[op];
  return f !== undefined && f(v, c);
}

function rewriteRange(s: string): string {
  return s.replace(
    RANGE_RE,
    (_m, lo: string, ...rest: unknown[]) => `>= ${lo}, <= ${String(rest[9])} `,
  );
}

function parseConstraints(text: string): Constraint[][] {
  return rewriteRange(text)
    .split("||")
    .map((group) => {
      if (!VALID_RE.test(group)) throw execFault("improper constraint");
      const found = group.match(FIND_RE) ?? [group];
      return found.map(parseConstraint);
    });
}

function semverCompare(constraint: string, version: string, ctx: CallContext): boolean {
  // The constraint regexes scan from every position (quadratic on long inputs), RE2 does not.
  ctx.charge((constraint.length * constraint.length + version.length) / 1000);
  const groups = parseConstraints(constraint);
  const x = parseVersion(version);
  if (x === null) throw execFault("invalid semantic version");
  return groups.some((g) => g.every((c) => check(c, x)));
}

/** Semver functions of the sprig map. */
export function semverFuncs(): [string, FuncDef][] {
  return [
    [
      "semver",
      fn(["string"], ([s]) => {
        const v = parseVersion(s as string);
        if (v === null) throw execFault("invalid semantic version");
        return toStruct(v);
      }),
    ],
    [
      "semverCompare",
      fn(["string", "string"], ([c, v], ctx) => semverCompare(c as string, v as string, ctx)),
    ],
  ];
}
