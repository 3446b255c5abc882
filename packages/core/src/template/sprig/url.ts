import { execFault } from "../failure.js";
import { fn } from "../funcs.js";
import type { FuncDef } from "../funcs.js";
import { GoMap } from "../value.js";
import type { GoValue } from "../value.js";
import { toLowerCaseWords, toPascalCase } from "./case.js";
import {
  emptyUrl,
  hostname,
  parseUrl as parseGoUrl,
  parseUserinfo,
  UrlError,
  urlString,
  userinfoString,
} from "./neturl.js";
import type { Url } from "./neturl.js";

/**
 * sprig v3.3.0 `fail`, `urlParse`, `urlJoin` and the xstrings case helpers. `fail` reports a
 * fixed message: its argument may be a secret and never reaches a TemplateFailure.
 */

/** sprig's urlParse: url.Parse into a dict (panics become a value-free failure). */
function parseUrl(s: string): GoMap {
  let u: Url;
  try {
    u = parseGoUrl(s);
  } catch (err) {
    if (err instanceof UrlError) throw execFault(`unable to parse url: ${err.message}`);
    throw err;
  }
  return new GoMap(
    new Map<string, GoValue>([
      ["scheme", u.scheme],
      ["host", u.host],
      ["hostname", hostname(u.host)],
      ["path", u.path],
      ["query", u.rawQuery],
      ["opaque", u.opaque],
      ["fragment", u.fragment],
      ["userinfo", userinfoString(u)],
    ]),
  );
}

function str(d: GoMap, key: string): string {
  if (!d.m.has(key)) return "";
  const v = d.m.get(key) ?? null;
  if (typeof v !== "string") throw execFault(`unable to parse ${key} key, must be of type string`);
  return v;
}

/** sprig's urlJoin: a url.URL from the dict (userinfo parsed as `proto://USERINFO@host`). */
function joinUrl(d: GoMap): string {
  const u: Url = {
    ...emptyUrl(),
    scheme: str(d, "scheme"),
    host: str(d, "host"),
    path: str(d, "path"),
    rawQuery: str(d, "query"),
    opaque: str(d, "opaque"),
    fragment: str(d, "fragment"),
  };
  const userinfo = str(d, "userinfo");
  if (userinfo !== "") {
    try {
      u.user = parseUserinfo(userinfo);
    } catch (err) {
      if (err instanceof UrlError)
        throw execFault(`unable to parse userinfo in dict: ${err.message}`);
      throw err;
    }
  }
  return urlString(u);
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
