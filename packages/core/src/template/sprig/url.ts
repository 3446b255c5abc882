import { execFault } from "../failure.js";
import { fn } from "../funcs.js";
import type { FuncDef } from "../funcs.js";
import { GoMap } from "../value.js";
import type { GoValue } from "../value.js";
import { toLowerCaseWords, toPascalCase } from "./case.js";

/**
 * sprig v3.3.0 `fail`, `urlParse`, `urlJoin` and the xstrings case helpers. `fail` reports a
 * fixed message: its argument may be a secret and never reaches a TemplateFailure.
 */

const URL_RE =
  /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;

function splitAuthority(authority: string): { userinfo: string; host: string; hostname: string } {
  const at = authority.lastIndexOf("@");
  const host = at >= 0 ? authority.slice(at + 1) : authority;
  const hostname = host.startsWith("[")
    ? host.slice(1, host.indexOf("]"))
    : host.replace(/:[0-9]*$/, "");
  return { userinfo: at >= 0 ? authority.slice(0, at) : "", host, hostname };
}

/** The url.Parse errors a template can hit: a colon in the first segment, bad hosts and ports. */
function checkUrl(m: RegExpExecArray): void {
  const rest = m[3] ?? "";
  if (m[1] === undefined && m[2] === undefined && /^[^/]*:/.test(rest)) {
    throw execFault("unable to parse url: first path segment in URL cannot contain colon");
  }
  if (m[2] === undefined) return;
  const host = m[2].slice(m[2].lastIndexOf("@") + 1);
  const port = host.startsWith("[") ? host.slice(host.indexOf("]") + 1) : /:[^:]*$/.exec(host)?.[0];
  if (port !== undefined && port !== "" && !/^:[0-9]*$/.test(port)) {
    throw execFault("unable to parse url: invalid port");
  }
  if (!/^[A-Za-z0-9\-._~!$&'()*+,;=:[\]<>"%]*$/.test(host)) {
    throw execFault("unable to parse url: invalid character in host name");
  }
}

function parseUrl(s: string): GoMap {
  // eslint-disable-next-line no-control-regex -- net/url rejects ASCII control characters
  if (/[\x00-\x1f\x7f]/.test(s)) throw execFault("unable to parse url: invalid control character");
  const m = URL_RE.exec(s);
  if (m === null) throw execFault("unable to parse url");
  checkUrl(m);
  const { userinfo, host, hostname } = splitAuthority(m[2] ?? "");
  const rawPath = m[3] ?? "";
  const isOpaque = m[1] !== undefined && m[2] === undefined && /^[^/]/.test(rawPath);
  const dict = new Map<string, GoValue>([
    ["scheme", m[1] ?? ""],
    ["host", host],
    ["hostname", hostname],
    ["path", isOpaque ? "" : decodePath(rawPath)],
    ["query", m[4] ?? ""],
    ["opaque", isOpaque ? rawPath : ""],
    ["fragment", decodePath(m[5] ?? "")],
    ["userinfo", userinfo],
  ]);
  return new GoMap(dict);
}

function decodePath(p: string): string {
  if (!p.includes("%")) return p;
  if (/%(?![0-9A-Fa-f]{2})/.test(p)) throw execFault("unable to parse url");
  return p.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

function str(d: GoMap, key: string): string {
  if (!d.m.has(key)) return "";
  const v = d.m.get(key) ?? null;
  if (typeof v !== "string") throw execFault(`unable to parse ${key} key, must be of type string`);
  return v;
}

const PATH_SAFE = /[A-Za-z0-9\-_.~$&+,/:;=@]/;
const FRAGMENT_SAFE = /[A-Za-z0-9\-_.~$&+,/:;=?@!()*]/;

/** net/url's escape for paths and fragments (bytes outside the safe set become %XX). */
function escape(s: string, safe: RegExp): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? "";
    out += safe.test(c) ? c : `%${s.charCodeAt(i).toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function authorityPart(d: GoMap): string {
  const scheme = str(d, "scheme");
  const host = str(d, "host");
  const user = str(d, "userinfo");
  if (scheme === "" && host === "" && user === "") return "";
  const slashes = host !== "" || str(d, "path") !== "" || user !== "" ? "//" : "";
  return `${slashes}${user === "" ? "" : `${user}@`}${host}`;
}

function joinUrl(d: GoMap): string {
  const scheme = str(d, "scheme");
  const path = str(d, "path");
  const opaque = str(d, "opaque");
  let out = scheme === "" ? "" : `${scheme}:`;
  if (opaque !== "") out += opaque;
  else {
    out += authorityPart(d);
    if (path !== "" && !path.startsWith("/") && str(d, "host") !== "") out += "/";
    out += escape(path, PATH_SAFE);
  }
  const q = str(d, "query");
  const f = str(d, "fragment");
  return out + (q === "" ? "" : `?${q}`) + (f === "" ? "" : `#${escape(f, FRAGMENT_SAFE)}`);
}

/** fail, url and case functions of the sprig map. */
export function miscFuncs(): [string, FuncDef][] {
  const S = (v: GoValue | undefined): string => v as string;
  return [
    [
      "fail",
      fn(["string"], () => {
        throw execFault("template called fail (message withheld)");
      }),
    ],
    ["urlParse", fn(["string"], ([s]) => parseUrl(S(s)))],
    [
      "urlJoin",
      fn(["map[string]interface {}"], ([d]) => joinUrl(d instanceof GoMap ? d : new GoMap())),
    ],
    ["snakecase", fn(["string"], ([s]) => toLowerCaseWords(S(s), 0x5f))],
    ["kebabcase", fn(["string"], ([s]) => toLowerCaseWords(S(s), 0x2d))],
    ["camelcase", fn(["string"], ([s]) => toPascalCase(S(s)))],
  ];
}
