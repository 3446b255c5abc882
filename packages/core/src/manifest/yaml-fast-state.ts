import type { AliasNode, YamlNode } from "./yaml-node.js";

/**
 * Most mappings and sequences a document read by the fast readers may hold. Each costs about
 * 0.4 KiB from text to Go value (kubeseal itself takes 170 MiB for a megabyte of `- {a: b}`
 * lines); this bound keeps any input under 1 MiB within 100 MiB. A List of a thousand Secrets
 * holds about 5,000; the refusal is documented (README: deliberate differences).
 */
export const MAX_COLLECTIONS = 20_000;

/** What the block and flow fast readers of one document share. */
export class FastState {
  // Both made on first use: most documents have no anchor, and a stream of 60,000 small
  // documents would otherwise make 120,000 empty maps.
  private anchors: Map<string, YamlNode> | undefined;
  /** One alias node per anchor (a node is never changed): 300,000 `*a` cost one object. */
  private aliases: Map<string, AliasNode> | undefined;
  private collections = 0;

  /** Defines (or redefines) the anchor `name`. */
  setAnchor(name: string, node: YamlNode): void {
    (this.anchors ??= new Map()).set(name, node);
  }

  /** An alias of the anchor `name` as defined now; undefined when there is none. */
  alias(name: string): AliasNode | undefined {
    const target = this.anchors?.get(name);
    if (target === undefined) return undefined;
    const known = this.aliases?.get(name);
    if (known?.target === target) return known;
    const alias: AliasNode = { kind: "alias", name, target };
    (this.aliases ??= new Map()).set(name, alias);
    return alias;
  }

  /** Counts a new mapping or sequence; false once there are more than {@link MAX_COLLECTIONS}. */
  addCollection(): boolean {
    return ++this.collections <= MAX_COLLECTIONS;
  }

  get overLimit(): boolean {
    return this.collections > MAX_COLLECTIONS;
  }
}

/** The refusal of a document with more than {@link MAX_COLLECTIONS} mappings and sequences. */
export const COLLECTION_LIMIT_REFUSAL = `the document holds more than ${MAX_COLLECTIONS.toLocaleString("en-US")} mappings and sequences; Signet reads at most that many per document to bound its memory (no Secret comes near)`;
