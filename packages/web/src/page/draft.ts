import { CLUSTER_WIDE_ANNOTATION, NAMESPACE_WIDE_ANNOTATION } from "@signet/core/browser";
import type { SealingScope } from "@signet/core/browser";

import {
  labelValueProblem,
  MAX_SECRET_BYTES,
  nameProblem,
  namespaceProblem,
  qualifiedNameProblem,
  SECRET_TYPES,
  secretKeyProblem,
  typeProblems,
} from "./validation.js";

/**
 * What the user typed, as plain data (no DOM): the Secret to seal, or the values to merge into
 * an existing SealedSecret. Validation is pure and names the field (the control's element id)
 * of every problem, so the page can show each one next to its control.
 */

/** One value of the Secret: typed text (UTF-8) or a file's exact bytes. */
export interface ItemDraft {
  id: string;
  key: string;
  source: "text" | "file";
  text: string;
  file?: { name: string; bytes: Uint8Array<ArrayBuffer> };
}

/** One label or annotation of the Secret the controller creates. */
export interface PairDraft {
  id: string;
  key: string;
  value: string;
}

export interface SecretDraft {
  name: string;
  namespace: string;
  scope: SealingScope;
  type: string;
  immutable: boolean;
  items: ItemDraft[];
  labels: PairDraft[];
  annotations: PairDraft[];
}

/** A problem that blocks sealing, tied to the control (element id) it is about. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** "new": a whole SealedSecret; "merge": values added to a pasted one (its name, namespace, scope). */
export type DraftMode = "new" | "merge";

export interface DraftCheck {
  problems: FieldProblem[];
  /** Worth saying, but sealing goes ahead. */
  warnings: string[];
}

/** Element ids of a row's controls. */
export const fieldId = {
  itemKey: (id: string): string => `item-${id}-key`,
  itemValue: (id: string): string => `item-${id}-value`,
  pairKey: (kind: "label" | "annotation", id: string): string => `${kind}-${id}-key`,
  pairValue: (kind: "label" | "annotation", id: string): string => `${kind}-${id}-value`,
};

/** Rows left entirely blank are ignored rather than reported. */
export function isBlankItem(item: ItemDraft): boolean {
  return item.key === "" && item.source === "text" && item.text === "";
}

function isBlankPair(pair: PairDraft): boolean {
  return pair.key === "" && pair.value === "";
}

/** The items that count (blank rows dropped). */
export function filledItems(draft: Pick<SecretDraft, "items">): ItemDraft[] {
  return draft.items.filter((i) => !isBlankItem(i));
}

/** The labels or annotations that count (blank rows dropped). */
export function filledPairs(pairs: readonly PairDraft[]): PairDraft[] {
  return pairs.filter((p) => !isBlankPair(p));
}

/** The bytes sealed for one item: a file as read, text as UTF-8. */
export function itemBytes(item: ItemDraft): Uint8Array<ArrayBuffer> {
  if (item.source === "file") return item.file?.bytes ?? new Uint8Array(0);
  return new TextEncoder().encode(item.text);
}

/**
 * Checks a draft; in "merge" mode name, namespace, scope and type come from the target.
 * Problems about the values as a whole are reported on `itemsField` (the "Add value" button).
 */
export function checkDraft(draft: SecretDraft, mode: DraftMode, itemsField: string): DraftCheck {
  const problems: FieldProblem[] = [];
  const warnings: string[] = [];
  if (mode === "new") problems.push(...identityProblems(draft));
  problems.push(...itemProblems(draft, itemsField));
  problems.push(...pairProblems(draft.labels, "label"));
  problems.push(...pairProblems(draft.annotations, "annotation"));
  if (mode === "new") {
    const keys = filledItems(draft).map((i) => i.key);
    const text = (key: string): string | undefined => {
      const item = filledItems(draft).find((i) => i.key === key);
      return item?.source === "text" ? item.text : undefined;
    };
    for (const message of typeProblems(draft.type || "Opaque", keys, text)) {
      problems.push({ field: "type", message });
    }
    const privileged = SECRET_TYPES[draft.type]?.privileged;
    if (privileged) warnings.push(privileged);
  }
  return { problems, warnings };
}

function identityProblems(draft: SecretDraft): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const name = nameProblem(draft.name);
  if (name) problems.push({ field: "name", message: name });
  const namespace = namespaceProblem(draft.namespace, draft.scope !== "cluster-wide");
  if (namespace) problems.push({ field: "namespace", message: namespace });
  if (/\s/.test(draft.type)) {
    problems.push({ field: "type", message: "A type has no spaces (e.g. Opaque)." });
  }
  return problems;
}

function itemProblems(draft: SecretDraft, itemsField: string): FieldProblem[] {
  const items = filledItems(draft);
  if (items.length === 0) {
    return [{ field: itemsField, message: "Add at least one value or file to seal." }];
  }
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  let total = 0;
  for (const item of items) {
    const keyProblem = secretKeyProblem(item.key);
    if (keyProblem) problems.push({ field: fieldId.itemKey(item.id), message: keyProblem });
    else if (seen.has(item.key)) {
      problems.push({
        field: fieldId.itemKey(item.id),
        message: `The key "${item.key}" is used twice.`,
      });
    }
    seen.add(item.key);
    if (item.source === "file" && !item.file) {
      problems.push({ field: fieldId.itemValue(item.id), message: "Choose a file." });
    }
    total += itemBytes(item).length;
  }
  if (total > MAX_SECRET_BYTES) {
    problems.push({
      field: itemsField,
      message: `The values add up to ${total} bytes; a Secret holds at most 1 MiB (${MAX_SECRET_BYTES} bytes).`,
    });
  }
  return problems;
}

const SCOPE_ANNOTATIONS = new Set([CLUSTER_WIDE_ANNOTATION, NAMESPACE_WIDE_ANNOTATION]);

function pairProblems(pairs: readonly PairDraft[], kind: "label" | "annotation"): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  for (const pair of filledPairs(pairs)) {
    const keyField = fieldId.pairKey(kind, pair.id);
    const keyProblem = qualifiedNameProblem(pair.key);
    if (keyProblem) problems.push({ field: keyField, message: keyProblem });
    else if (seen.has(pair.key)) {
      problems.push({ field: keyField, message: `The ${kind} "${pair.key}" is given twice.` });
    } else if (kind === "annotation" && SCOPE_ANNOTATIONS.has(pair.key)) {
      problems.push({ field: keyField, message: "Choose the scope above instead." });
    }
    seen.add(pair.key);
    const valueProblem = kind === "label" ? labelValueProblem(pair.value) : undefined;
    if (valueProblem) {
      problems.push({ field: fieldId.pairValue(kind, pair.id), message: valueProblem });
    }
  }
  return problems;
}

/** The draft's labels or annotations as a map, or undefined when there are none. */
export function pairMap(pairs: readonly PairDraft[]): Record<string, string> | undefined {
  const filled = filledPairs(pairs);
  if (filled.length === 0) return undefined;
  return Object.fromEntries(filled.map((p) => [p.key, p.value]));
}
