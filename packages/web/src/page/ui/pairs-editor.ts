import { fieldId } from "../draft.js";
import type { PairDraft } from "../draft.js";
import { h, icon, keyField } from "./dom.js";
import type { IdSource } from "./dom.js";

/** Key/value rows for the labels or annotations of the Secret the controller creates. */
export interface PairsEditor {
  element: HTMLElement;
  pairs(): PairDraft[];
  clear(): void;
}

export function createPairsEditor(
  ids: IdSource,
  kind: "label" | "annotation",
  prefix: string,
): PairsEditor {
  const rows: { draft: PairDraft; element: HTMLElement }[] = [];
  const title = kind === "label" ? "Labels" : "Annotations";
  const list = h("ol", { class: "pairs", "aria-label": title });
  const addButton = h(
    "button",
    { type: "button", class: "secondary small", id: `${prefix}add-${kind}` },
    icon("plus"),
    ` Add ${kind}`,
  );
  const add = (): PairDraft => {
    const draft: PairDraft = { id: ids.next(`${prefix}${kind[0]}`), key: "", value: "" };
    const element = pairRow(draft, kind, () => {
      rows.splice(
        rows.findIndex((r) => r.draft === draft),
        1,
      );
      element.remove();
      addButton.focus();
    });
    rows.push({ draft, element });
    list.appendChild(element);
    return draft;
  };
  addButton.addEventListener("click", () => {
    const draft = add();
    document.getElementById(fieldId.pairKey(kind, draft.id))?.focus();
  });
  return {
    element: h("div", { class: "pairs-editor" }, h("h4", {}, title), list, addButton),
    pairs: () => rows.map((r) => r.draft),
    clear: () => {
      for (const row of rows) row.element.remove();
      rows.length = 0;
    },
  };
}

function pairRow(
  draft: PairDraft,
  kind: "label" | "annotation",
  onRemove: () => void,
): HTMLElement {
  const keyId = fieldId.pairKey(kind, draft.id);
  const valueId = fieldId.pairValue(kind, draft.id);
  const key = h("input", {
    id: keyId,
    type: "text",
    autocomplete: "off",
    spellcheck: "false",
    autocapitalize: "off",
    placeholder: kind === "label" ? "app.kubernetes.io/name" : "example.com/owner",
    "aria-describedby": `${keyId}-error`,
  });
  const value = h("input", {
    id: valueId,
    type: "text",
    autocomplete: "off",
    spellcheck: "false",
    autocapitalize: "off",
    "aria-describedby": `${valueId}-error`,
  });
  key.addEventListener("input", () => (draft.key = key.value));
  value.addEventListener("input", () => (draft.value = value.value));
  const remove = h(
    "button",
    {
      type: "button",
      class: "remove icon-button",
      "aria-label": `Remove ${kind}`,
      title: "Remove",
    },
    icon("remove"),
  );
  remove.addEventListener("click", onRemove);
  return h(
    "li",
    { class: "pair" },
    keyField(keyId, key),
    h(
      "div",
      { class: "field" },
      h("label", { for: valueId }, "Value"),
      value,
      h("p", { class: "field-error", id: `${valueId}-error`, hidden: true }),
    ),
    remove,
  );
}
