/**
 * The part of Go's net/url that sprig's urlParse and urlJoin reach: url.Parse, URL.String,
 * Userinfo.String and URL.Hostname, over byte strings. Behaviour learnt from `net/url/url.go`
 * (Go 1.26) and checked against it by the differential corpus (its own url_test.go tables).
 * Errors carry no input text (a URL may come from a secret).
 */

/** Escaping modes of net/url (which bytes a URL part may hold unescaped). */
export type Mode = "path" | "pathSegment" | "host" | "zone" | "userPassword" | "query" | "fragment";

const HOST_EXTRA = new Set("!$&'()*+,;=:[]<>\"");
const RESERVED = new Set("$&+,/:;=?@");

/** Reserved bytes each mode must escape (the rest of the reserved set it leaves alone). */
const ESCAPED_RESERVED: Readonly<Record<Mode, string>> = {
  path: "?",
  pathSegment: "/;,?",
  userPassword: "@/?:",
  query: "$&+,/:;=?@",
  fragment: "",
  host: "$&+,/:;=?@",
  zone: "$&+,/:;=?@",
};

/** net/url's shouldEscape. */
export function shouldEscape(c: number, mode: Mode): boolean {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9\-_.~]/.test(ch)) return false;
  if ((mode === "host" || mode === "zone") && HOST_EXTRA.has(ch)) return false;
  if (RESERVED.has(ch)) return ESCAPED_RESERVED[mode].includes(ch);
  return !(mode === "fragment" && "!()*".includes(ch));
}

/** net/url's escape (bytes to %XX, space to + in query components). */
export function escape(s: string, mode: Mode): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x20 && mode === "query") out += "+";
    else if (shouldEscape(c, mode)) out += `%${c.toString(16).toUpperCase().padStart(2, "0")}`;
    else out += s[i];
  }
  return out;
}

/** A url.Parse failure. */
export class UrlError extends Error {}

const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/** An escape at i is valid in `mode` (hosts may only escape non-ASCII bytes, and %25). */
function checkEscape(s: string, i: number, mode: Mode): void {
  if (!isHex(s[i + 1]) || !isHex(s[i + 2])) throw new UrlError("invalid URL escape");
  const v = parseInt(s.slice(i + 1, i + 3), 16);
  const pct25 = s.slice(i, i + 3) === "%25";
  if (mode === "host" && v < 0x80 && !pct25) throw new UrlError("invalid URL escape");
  if (mode === "zone" && !pct25 && v !== 0x20 && shouldEscape(v, "host")) {
    throw new UrlError("invalid URL escape");
  }
}

function checkEscapes(s: string, mode: Mode): void {
  const hostLike = mode === "host" || mode === "zone";
  for (let i = 0; i < s.length;) {
    if (s[i] === "%") {
      checkEscape(s, i, mode);
      i += 3;
      continue;
    }
    const code = s.charCodeAt(i);
    if (hostLike && code < 0x80 && shouldEscape(code, mode)) {
      throw new UrlError("invalid character in host name");
    }
    i++;
  }
}

/** net/url's unescape: %XX to bytes (and + to space in query components). */
export function unescape(s: string, mode: Mode): string {
  checkEscapes(s, mode);
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? "";
    if (c === "%") {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === "+") {
      out += mode === "query" ? " " : "+";
    } else {
      out += c;
    }
  }
  return out;
}

/** Username and, when one was given, password. */
export interface Userinfo {
  username: string;
  password: string | undefined;
}

/** The fields of a Go url.URL that String and sprig read. */
export interface Url {
  scheme: string;
  opaque: string;
  user: Userinfo | undefined;
  host: string;
  path: string;
  rawPath: string;
  fragment: string;
  rawFragment: string;
  rawQuery: string;
  forceQuery: boolean;
  omitHost: boolean;
}

function emptyUrl(): Url {
  return {
    scheme: "",
    opaque: "",
    user: undefined,
    host: "",
    path: "",
    rawPath: "",
    fragment: "",
    rawFragment: "",
    rawQuery: "",
    forceQuery: false,
    omitHost: false,
  };
}

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? "";
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return ["", raw];
      continue;
    }
    if (c === ":") {
      if (i === 0) throw new UrlError("missing protocol scheme");
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ["", raw];
  }
  return ["", raw];
}

/** url.Parse. */
export function parseUrl(raw: string): Url {
  const hash = raw.indexOf("#");
  const u = parseWithoutFragment(hash < 0 ? raw : raw.slice(0, hash));
  const frag = hash < 0 ? "" : raw.slice(hash + 1);
  if (frag !== "") {
    u.fragment = unescape(frag, "fragment");
    u.rawFragment = escape(u.fragment, "fragment") === frag ? "" : frag;
  }
  return u;
}

/** Splits off the query (a lone trailing `?` is ForceQuery). */
function splitQuery(url: Url, rest: string): string {
  if (rest.endsWith("?") && rest.split("?").length === 2) {
    url.forceQuery = true;
    return rest.slice(0, -1);
  }
  const q = rest.indexOf("?");
  if (q < 0) return rest;
  url.rawQuery = rest.slice(q + 1);
  return rest.slice(0, q);
}

function parseWithoutFragment(raw: string): Url {
  // eslint-disable-next-line no-control-regex -- net/url refuses ASCII control bytes
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new UrlError("invalid control character in URL");
  const url = emptyUrl();
  if (raw === "*") {
    url.path = "*";
    return url;
  }
  const [scheme, afterScheme] = getScheme(raw);
  url.scheme = scheme.toLowerCase();
  const rest = splitQuery(url, afterScheme);
  if (!rest.startsWith("/")) {
    if (url.scheme !== "") {
      url.opaque = rest;
      return url;
    }
    if ((rest.split("/")[0] ?? "").includes(":")) {
      throw new UrlError("first path segment in URL cannot contain colon");
    }
  }
  setPath(url, authorityAndPath(url, rest));
  return url;
}

/** Parses `//authority` when there is one; returns the path that follows. */
function authorityAndPath(url: Url, rest: string): string {
  if ((url.scheme !== "" || !rest.startsWith("///")) && rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    parseAuthority(url, slash < 0 ? rest.slice(2) : rest.slice(2, slash));
    return slash < 0 ? "" : rest.slice(slash);
  }
  if (url.scheme !== "" && rest.startsWith("/")) url.omitHost = true;
  return rest;
}

/** setPath: the decoded path, and the raw one when the default escaping would differ. */
function setPath(url: Url, p: string): void {
  url.path = unescape(p, "path");
  url.rawPath = escape(url.path, "path") === p ? "" : p;
}

const USERINFO = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;

function parseAuthority(url: Url, authority: string): void {
  const at = authority.lastIndexOf("@");
  url.host = parseHost(url.scheme, at < 0 ? authority : authority.slice(at + 1));
  if (at < 0) return;
  const userinfo = authority.slice(0, at);
  if (!USERINFO.test(userinfo)) throw new UrlError("invalid userinfo");
  const colon = userinfo.indexOf(":");
  url.user =
    colon < 0
      ? { username: unescape(userinfo, "userPassword"), password: undefined }
      : {
          username: unescape(userinfo.slice(0, colon), "userPassword"),
          password: unescape(userinfo.slice(colon + 1), "userPassword"),
        };
}

const isValidPort = (p: string): boolean => /^(:[0-9]*)?$/.test(p);

function parseHost(scheme: string, host: string): string {
  const open = host.lastIndexOf("[");
  if (open > 0) throw new UrlError("invalid IP-literal");
  if (open === 0) return parseIpLiteral(host);
  const first = host.indexOf(":");
  if (first >= 0) {
    const last = host.lastIndexOf(":");
    // Colons inside the host are strict for http and https only (Go 1.26, urlstrictcolons).
    const i = scheme === "http" || scheme === "https" ? first : last;
    if (!isValidPort(host.slice(i))) throw new UrlError("invalid port after host");
  }
  return unescape(host, "host");
}

function parseIpLiteral(host: string): string {
  const close = host.lastIndexOf("]");
  if (close < 0) throw new UrlError("missing ']' in host");
  const colonPort = host.slice(close + 1);
  if (!isValidPort(colonPort)) throw new UrlError("invalid port after host");
  const port = unescape(colonPort, "host");
  const name = host.slice(1, close);
  const zone = name.indexOf("%25");
  const unescaped =
    zone >= 0
      ? unescape(name.slice(0, zone), "host") + unescape(name.slice(zone), "zone")
      : unescape(name, "host");
  if (ipKind(unescaped) !== 6) throw new UrlError("invalid IP-literal");
  return `[${unescaped}]${port}`;
}

/** netip.ParseAddr: 4 for IPv4, 6 for IPv6 (zones allowed), undefined when invalid. */
export function ipKind(s: string): 4 | 6 | undefined {
  if (isIPv4(s)) return 4;
  const pct = s.indexOf("%");
  if (pct === 0 || pct === s.length - 1) return undefined;
  const addr = pct >= 0 ? s.slice(0, pct) : s;
  return isIPv6(addr) ? 6 : undefined;
}

function isIPv4(s: string): boolean {
  const parts = s.split(".");
  return (
    parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)
  );
}

/** 16-bit groups a colon-separated list stands for (an IPv4 tail counts 2), or -1. */
function groupCount(groups: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i] ?? "";
    const ipv4Tail = i === groups.length - 1 && g.includes(".");
    if (ipv4Tail && isIPv4(g)) count += 2;
    else if (!ipv4Tail && /^[0-9a-fA-F]{1,4}$/.test(g)) count += 1;
    else return -1;
  }
  return count;
}

function isIPv6(s: string): boolean {
  const halves = s.split("::");
  if (halves.length > 2) return false;
  const list = (h: string): string[] => (h === "" ? [] : h.split(":"));
  const all = [...list(halves[0] ?? ""), ...(halves.length === 2 ? list(halves[1] ?? "") : [])];
  const count = groupCount(all);
  if (count < 0) return false;
  return halves.length === 2 ? count < 8 : count === 8;
}

function userString(u: Userinfo): string {
  const name = escape(u.username, "userPassword");
  return u.password === undefined ? name : `${name}:${escape(u.password, "userPassword")}`;
}

/** validEncoded: no byte that needs escaping except sub-delims, brackets and %. */
function validEncoded(s: string, mode: Mode): boolean {
  for (let i = 0; i < s.length; i++) {
    if ("!$&'()*+,;=:@[]%".includes(s[i] ?? "")) continue;
    if (shouldEscape(s.charCodeAt(i), mode)) return false;
  }
  return true;
}

function escapedHint(raw: string, decoded: string, mode: Mode): string | undefined {
  if (raw === "" || !validEncoded(raw, mode)) return undefined;
  try {
    return unescape(raw, mode) === decoded ? raw : undefined;
  } catch {
    return undefined;
  }
}

/** URL.EscapedPath. */
function escapedPath(u: Url): string {
  const hint = escapedHint(u.rawPath, u.path, "path");
  if (hint !== undefined) return hint;
  if (u.path === "*") return "*";
  return escape(u.path, "path");
}

/** The `//userinfo@host` part String writes, if any. */
function authorityString(u: Url): string {
  const hasAuthority = u.scheme !== "" || u.host !== "" || u.user !== undefined;
  if (!hasAuthority || (u.omitHost && u.host === "" && u.user === undefined)) return "";
  let out = u.host !== "" || u.path !== "" || u.user !== undefined ? "//" : "";
  if (u.user !== undefined) out += `${userString(u.user)}@`;
  if (u.host !== "") out += escape(u.host, "host");
  return out;
}

/** The hierarchical part: authority and path (`./` before a colon in a first segment). */
function hierarchical(u: Url, prefix: string): string {
  let out = authorityString(u);
  const path = escapedPath(u);
  if (path !== "" && !path.startsWith("/") && u.host !== "") out += "/";
  if (prefix === "" && out === "" && (path.split("/")[0] ?? "").includes(":")) out += "./";
  return out + path;
}

/** URL.String. */
export function urlString(u: Url): string {
  const scheme = u.scheme === "" ? "" : `${u.scheme}:`;
  let out = scheme + (u.opaque !== "" ? u.opaque : hierarchical(u, scheme));
  if (u.forceQuery || u.rawQuery !== "") out += `?${u.rawQuery}`;
  if (u.fragment !== "") {
    const frag = escapedHint(u.rawFragment, u.fragment, "fragment");
    out += `#${frag ?? escape(u.fragment, "fragment")}`;
  }
  return out;
}

/** URL.Hostname: the host without a valid port and without IPv6 brackets. */
export function hostname(host: string): string {
  let h = host;
  const colon = h.lastIndexOf(":");
  if (colon >= 0 && isValidPort(h.slice(colon))) h = h.slice(0, colon);
  if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
  return h;
}

/** Userinfo.String of a parsed URL ("" when none). */
export function userinfoString(u: Url): string {
  return u.user === undefined ? "" : userString(u.user);
}

/** The Userinfo a `proto://USERINFO@host` URL holds (sprig's urlJoin). */
export function parseUserinfo(userinfo: string): Userinfo | undefined {
  return parseUrl(`proto://${userinfo}@host`).user;
}

export { emptyUrl };
