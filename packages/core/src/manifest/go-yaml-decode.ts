import { decodeGoBase64 } from "./go-base64.js";
import { goBinaryToString } from "./go-utf8.js";
import { GoMap } from "./go-value.js";
import type { GoValue } from "./go-value.js";
import { ResolveError, resolvePlainQuick, resolveScalar } from "./go-yaml-resolve.js";
import { plainScalar, TAG } from "./yaml-node.js";
import { YamlSyntaxError } from "./yaml-parse-error.js";
import type { AliasNode, MappingNode, ScalarNode, YamlNode } from "./yaml-node.js";

/**
 * Most maps and lists one document may decode to, aliases expanded: as many as the readers let a
 * document hold (yaml-fast-state.ts). go-yaml's own alias budget (below) lets a megabyte of
 * small anchored maps, each aliased a few hundred times, grow to hundreds of thousands of maps
 * and 200 MB; no Secret needs an alias to expand to more than a handful.
 */
export const MAX_DECODED_COLLECTIONS = 20_000;

/** A failure go-yaml reports as `yaml: <message>` (its `failf`). */
export class GoYamlError extends Error {}

/**
 * go-yaml v2's alias budget (`decode.go`, `allowedAliasRatio`): once a document has decoded more
 * than 1,000 nodes of which more than 100 came through aliases, aliases may account for at most
 * 99 % of the decoded nodes up to 400,000 nodes, sliding down to 10 % at 4,000,000. A billion-laughs
 * document trips it after a few thousand nodes.
 */
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99;
  if (decodeCount >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000);
}

/**
 * Decodes one YAML document into Go values the way go-yaml v2 decodes into `interface{}`
 * (`decode.go`): scalars resolved by YAML 1.1 rules, timestamps kept as text, `!!binary` decoded,
 * `<<` merge keys (a later merge overrides earlier keys; in a list of merged maps the earlier map
 * wins), maps keyed by Go value identity (the last duplicate wins), and every node counted
 * against the alias budget in go-yaml's order so the same documents are refused.
 */
export class GoYamlDecoder {
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  /** Made on the first alias followed (most documents have none). */
  private active: Set<YamlNode> | undefined;
  private collections = 0;
  /**
   * Values of plain scalars already decoded, by text (a value is never changed once made): a
   * list of half a million `1`s then holds one number, not half a million. Made on the first
   * plain scalar the quick resolution leaves to the full one.
   */
  private plain: Map<string, GoValue> | undefined;

  /** The document's value; the document node itself counts as one decode, as in go-yaml. */
  decodeDocument(root: YamlNode): GoValue {
    this.count();
    return this.decodeCounted(root);
  }

  private count(): void {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (
      this.aliasCount > 100 &&
      this.decodeCount > 1000 &&
      this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)
    ) {
      throw new GoYamlError("document contains excessive aliasing");
    }
  }

  private decode(node: YamlNode): GoValue {
    if (typeof node === "string") return this.plainValue(node);
    switch (node.kind) {
      case "alias":
        return this.followAlias(node, (target) => this.decodeCounted(target));
      case "scalar":
        return scalarValue(node);
      case "mapping":
        this.countCollection();
        return this.mapping(node, new GoMap());
      case "sequence":
        this.countCollection();
        return node.children.map((child) => this.decodeCounted(child));
    }
  }

  /** A plain scalar's value; the first {@link PLAIN_CACHE} distinct texts are remembered. */
  private plainValue(text: string): GoValue {
    const quick = resolvePlainQuick(text);
    if (quick !== undefined) return quick;
    const known = this.plain?.get(text);
    if (known !== undefined) return known;
    const value = scalarValue(plainScalar(text));
    this.plain ??= new Map();
    if (this.plain.size < PLAIN_CACHE) this.plain.set(text, value);
    return value;
  }

  /** Counts a map or list made; past {@link MAX_DECODED_COLLECTIONS} the document is refused. */
  private countCollection(): void {
    if (++this.collections > MAX_DECODED_COLLECTIONS) {
      throw new YamlSyntaxError(
        `the document's aliases expand to more than ${MAX_DECODED_COLLECTIONS.toLocaleString("en-US")} mappings and sequences; Signet reads at most that many per document to bound its memory`,
        { deliberate: true },
      );
    }
  }

  private decodeCounted(node: YamlNode): GoValue {
    this.count();
    return this.decode(node);
  }

  private followAlias<T>(node: AliasNode, use: (target: YamlNode) => T): T {
    this.active ??= new Set();
    if (this.active.has(node)) throw new GoYamlError(`anchor '${node.name}' value contains itself`);
    this.active.add(node);
    this.aliasDepth++;
    try {
      return use(node.target);
    } finally {
      this.aliasDepth--;
      this.active?.delete(node);
    }
  }

  private mapping(node: MappingNode, out: GoMap): GoMap {
    const { children } = node;
    for (let i = 0; i + 1 < children.length; i += 2) {
      const keyNode = children[i]!;
      if (isMerge(keyNode)) {
        this.merge(children[i + 1]!, out);
        continue;
      }
      const key = this.decodeCounted(keyNode);
      if (Array.isArray(key) || key instanceof GoMap) {
        // Go prints the key's content (`%#v`), which may hold a value: Signet its type only.
        throw new GoYamlError(
          `invalid map key: ${Array.isArray(key) ? "[]interface {}" : "map[interface {}]interface {}"}{\u2026}`,
        );
      }
      out.set(key, this.decodeCounted(children[i + 1]!));
    }
    return out;
  }

  /** Decodes `node` (a mapping, or an alias of one) into an existing map: a merge. */
  private mergeInto(node: YamlNode, out: GoMap): void {
    this.count();
    if (typeof node === "string") return;
    if (node.kind === "alias") {
      this.followAlias(node, (target) => this.mergeInto(target, out));
    } else if (node.kind === "mapping") {
      this.mapping(node, out);
    }
  }

  private merge(value: YamlNode, out: GoMap): void {
    if (typeof value === "string") throw wantMap();
    if (value.kind === "mapping") return this.mergeInto(value, out);
    if (value.kind === "alias") {
      if (!isMapping(value.target)) throw wantMap();
      return this.mergeInto(value, out);
    }
    if (value.kind !== "sequence") throw wantMap();
    for (let i = value.children.length - 1; i >= 0; i--) {
      const item = value.children[i]!;
      const target = typeof item !== "string" && item.kind === "alias" ? item.target : item;
      if (!isMapping(target)) throw wantMap();
      this.mergeInto(item, out);
    }
  }
}

function wantMap(): GoYamlError {
  return new GoYamlError("map merge requires map or sequence of maps as the value");
}

function isMapping(node: YamlNode): node is MappingNode {
  return typeof node !== "string" && node.kind === "mapping";
}

/** go-yaml's `isMerge`: a plain `<<` (or one tagged `!!merge`). */
function isMerge(node: YamlNode): boolean {
  if (typeof node === "string") return node === "<<";
  return node.kind === "scalar" && node.value === "<<" && (node.implicit || node.tag === TAG.merge);
}

/** How many distinct plain scalar texts a decoder remembers the values of. */
const PLAIN_CACHE = 4096;

/** A scalar decoded into `interface{}` (`decoder.scalar`). */
export function scalarValue(node: ScalarNode): GoValue {
  if (node.tag === "") {
    if (!node.implicit) return node.value;
    const quick = resolvePlainQuick(node.value);
    if (quick !== undefined) return quick;
  }
  let resolved;
  try {
    resolved = resolveScalar(node.tag, node.value);
  } catch (err) {
    if (err instanceof ResolveError) throw new GoYamlError(err.message);
    throw err;
  }
  if (resolved.tag === TAG.binary) {
    const bytes = decodeGoBase64(node.value);
    if (!(bytes instanceof Uint8Array)) {
      throw new GoYamlError("!!binary value contains invalid base64 data");
    }
    return goBinaryToString(bytes);
  }
  return resolved.value;
}
