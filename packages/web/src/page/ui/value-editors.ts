import { byId } from "./dom.js";
import type { IdSource } from "./dom.js";
import { createItemsEditor } from "./items-editor.js";
import type { ItemsEditor } from "./items-editor.js";
import { createPairsEditor } from "./pairs-editor.js";
import type { PairsEditor } from "./pairs-editor.js";
import type { SealContext } from "./seal-action.js";

/** The editors both forms share: values, then template labels and annotations. */
export interface ValueEditors {
  items: ItemsEditor;
  labels: PairsEditor;
  annotations: PairsEditor;
}

/**
 * Creates a form's value, label and annotation editors inside `#<form>-items` and
 * `#<form>-metadata` (row ids start with `prefix`), and makes `#<form>-clear` empty the values
 * and hide the output.
 */
export function createValueEditors(
  ids: IdSource,
  form: "new" | "merge",
  prefix: string,
  ctx: Pick<SealContext, "output" | "announce">,
): ValueEditors {
  const items = createItemsEditor(ids, prefix);
  const labels = createPairsEditor(ids, "label", prefix);
  const annotations = createPairsEditor(ids, "annotation", prefix);
  byId(`${form}-items`).appendChild(items.element);
  byId(`${form}-metadata`).append(labels.element, annotations.element);
  byId(`${form}-clear`).addEventListener("click", () => {
    items.clear();
    ctx.output.hide();
    ctx.announce("Values cleared.");
  });
  return { items, labels, annotations };
}
