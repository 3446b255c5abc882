import { Lexer } from "yaml";

/**
 * Whether `text` has more than `limit` YAML tokens (JSON is YAML too): scalars, indicators,
 * line breaks, comments... Reading a document costs memory and time in proportion to its
 * tokens (about 1 KiB and 20 µs each), not to its bytes: a megabyte of `[a,a,a,...]` is half a
 * million tokens. A reader that serves others (the controller's HTTP API) checks this first;
 * the lexer keeps nothing and stops at the limit, so the check costs at most `limit` tokens.
 */
export function exceedsYamlTokens(text: string, limit: number): boolean {
  let tokens = 0;
  for (const _token of new Lexer().lex(text)) if (++tokens > limit) return true;
  return false;
}
