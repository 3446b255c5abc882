import { fn } from "../funcs.js";
import type { FuncDef } from "../funcs.js";

/**
 * Go's `path` package (and `path/filepath` on Linux, which sprig's os* variants call). Pure
 * string functions: nothing touches a filesystem.
 */

/** path.Clean. */
export function clean(p: string): string {
  if (p === "") return ".";
  const rooted = p.startsWith("/");
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!rooted) out.push("..");
      continue;
    }
    out.push(part);
  }
  const joined = out.join("/");
  if (rooted) return `/${joined}`;
  return joined === "" ? "." : joined;
}

/** path.Base. */
export function base(p: string): string {
  if (p === "") return ".";
  let end = p.length;
  while (end > 0 && p[end - 1] === "/") end--;
  const trimmed = p.slice(0, end);
  if (trimmed === "") return "/";
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** path.Dir. */
export function dir(p: string): string {
  return clean(p.slice(0, p.lastIndexOf("/") + 1));
}

/** path.Ext. */
export function ext(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== "/"; i--) if (p[i] === ".") return p.slice(i);
  return "";
}

/** Path functions of the sprig map. */
export function pathFuncs(): [string, FuncDef][] {
  const S = (v: unknown): string => v as string;
  const defs: [string, (s: string) => string | boolean][] = [
    ["base", base],
    ["dir", dir],
    ["clean", clean],
    ["ext", ext],
    ["isAbs", (s) => s.startsWith("/")],
  ];
  return defs.flatMap(([name, f]): [string, FuncDef][] => [
    [name, fn(["string"], ([s]) => f(S(s)))],
    [`os${name[0]?.toUpperCase() ?? ""}${name.slice(1)}`, fn(["string"], ([s]) => f(S(s)))],
  ]);
}
