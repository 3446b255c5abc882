import { execFault } from "../failure.js";
import { fn } from "../funcs.js";
import type { FuncDef } from "../funcs.js";
import { GoStruct, goInt64 } from "../value.js";
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
  return {
    major: BigInt(m[1] ?? "0"),
    minor: BigInt((m[2] ?? ".0").slice(1)),
    patch: BigInt((m[3] ?? ".0").slice(1)),
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

function goUint(v: bigint): GoValue {
  return goInt64(v);
}

interface Bound {
  op: string;
  v: Version;
  wild: "major" | "minor" | "patch" | "none";
}

const CONSTRAINT =
  /^\s*(=|!=|>=|<=|>|<|~>|~|\^|=>|=<)?\s*v?([0-9xX*]+(\.[0-9xX*]+)?(\.[0-9xX*]+)?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?)\s*$/;

function parseBound(text: string): Bound {
  const m = CONSTRAINT.exec(text);
  if (m === null) throw execFault("improper constraint");
  const raw = m[2] ?? "";
  const parts = raw.split(/[-+]/)[0]?.split(".") ?? [];
  const wildAt = parts.findIndex((p) => /^[xX*]$/.test(p));
  const wild =
    wildAt === 0
      ? "major"
      : wildAt === 1
        ? "minor"
        : wildAt === 2
          ? "patch"
          : parts.length < 3
            ? parts.length === 1
              ? "minor"
              : "patch"
            : "none";
  const clean = raw.replace(/[xX*]/g, "0");
  const v = parseVersion(clean);
  if (v === null) throw execFault("improper constraint");
  const op = m[1] === "=>" ? ">=" : m[1] === "=<" ? "<=" : (m[1] ?? "");
  return { op, v, wild: wildAt < 0 && parts.length >= 3 ? "none" : wild };
}

function bump(v: Version, part: "major" | "minor" | "patch"): Version {
  if (part === "major") return { ...v, major: v.major + 1n, minor: 0n, patch: 0n, pre: "" };
  if (part === "minor") return { ...v, minor: v.minor + 1n, patch: 0n, pre: "" };
  return { ...v, patch: v.patch + 1n, pre: "" };
}

function inRange(x: Version, lo: Version, hi: Version): boolean {
  return compare(x, lo) >= 0 && compare(x, hi) < 0;
}

function caret(b: Bound, x: Version): boolean {
  if (b.wild === "major") return true;
  if (b.v.major > 0n || b.wild === "minor") return inRange(x, b.v, bump(b.v, "major"));
  if (b.v.minor > 0n || b.wild === "patch") return inRange(x, b.v, bump(b.v, "minor"));
  return inRange(x, b.v, bump(b.v, "patch"));
}

function tilde(b: Bound, x: Version): boolean {
  if (b.wild === "major") return true;
  if (b.wild === "minor") return inRange(x, b.v, bump(b.v, "major"));
  return inRange(x, b.v, bump(b.v, "minor"));
}

function equalWild(b: Bound, x: Version): boolean {
  if (b.wild === "major") return true;
  if (b.wild === "minor") return inRange(x, b.v, bump(b.v, "major"));
  if (b.wild === "patch") return inRange(x, b.v, bump(b.v, "minor"));
  return compare(x, b.v) === 0;
}

function check(b: Bound, x: Version): boolean {
  if (x.pre !== "" && b.v.pre === "") return false;
  const c = compare(x, b.v);
  switch (b.op) {
    case "":
    case "=":
      return equalWild(b, x);
    case "!=":
      return !equalWild(b, x);
    case ">":
      return b.wild === "none"
        ? c > 0
        : compare(
            x,
            bump(b.v, b.wild === "major" ? "major" : b.wild === "minor" ? "major" : "minor"),
          ) >= 0;
    case ">=":
      return c >= 0;
    case "<":
      return c < 0;
    case "<=":
      return b.wild === "none"
        ? c <= 0
        : compare(x, bump(b.v, b.wild === "patch" ? "minor" : "major")) < 0;
    case "^":
      return caret(b, x);
    default:
      return tilde(b, x);
  }
}

function andGroup(text: string, x: Version): boolean {
  const hyphen = /^\s*(\S+)\s+-\s+(\S+)\s*$/.exec(text);
  if (hyphen !== null) {
    return (
      check(parseBound(`>=${hyphen[1] ?? ""}`), x) && check(parseBound(`<=${hyphen[2] ?? ""}`), x)
    );
  }
  const parts = text
    .replace(/(>=|<=|!=|=>|=<|~>|[<>=~^])\s+/g, "$1")
    .split(/[\s,]+/)
    .filter((p) => p !== "");
  if (parts.length === 0) throw execFault("improper constraint");
  return parts.every((p) => check(parseBound(p), x));
}

function semverCompare(constraint: string, version: string): boolean {
  const x = parseVersion(version);
  if (x === null) throw execFault("invalid semantic version");
  return constraint.split("||").some((g) => andGroup(g, x));
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
      fn(["string", "string"], ([c, v]) => semverCompare(c as string, v as string)),
    ],
  ];
}
