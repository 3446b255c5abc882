import { fieldId } from "../draft.js";
import type { ItemDraft } from "../draft.js";
import { append, h, icon, keyField } from "./dom.js";
import type { IdSource } from "./dom.js";

/** The list of values of a Secret: text rows and binary-safe file rows. */
export interface ItemsEditor {
  element: HTMLElement;
  items(): ItemDraft[];
  /** Adds a text row with `key` unless one exists (for a Secret type's required keys). */
  ensureKey(key: string): void;
  /** Forgets every value (rows go back to one empty text row). */
  clear(): void;
  /** Resolves once every chosen file has been read. */
  settled(): Promise<void>;
}

/**
 * Values are typed into textareas with spell checking, autocorrect and autocomplete off (a
 * browser's enhanced spell check may send text to a server) and read from files as bytes, never
 * as text, so binary files seal unchanged.
 */
export function createItemsEditor(ids: IdSource, prefix: string): ItemsEditor {
  const rows: { draft: ItemDraft; element: HTMLElement }[] = [];
  const reads = new Set<Promise<void>>();
  const list = h("ol", { class: "items", "aria-label": "Values" });
  const addText = h(
    "button",
    { type: "button", class: "secondary", id: `${prefix}add-text` },
    icon("plus"),
    " Add value",
  );
  const addFile = h(
    "button",
    { type: "button", class: "secondary", id: `${prefix}add-file` },
    icon("file"),
    " Add file",
  );
  const element = h(
    "div",
    { class: "items-editor" },
    list,
    h("div", { class: "row" }, addText, addFile),
  );

  const renumber = (): void => {
    rows.forEach((row, i) => {
      const remove = row.element.querySelector<HTMLButtonElement>("button.remove");
      remove?.setAttribute("aria-label", `Remove value ${row.draft.key || i + 1}`);
      const key = row.element.querySelector(`[id="${fieldId.itemKey(row.draft.id)}"]`);
      key?.setAttribute("data-summary-label", `Key of value ${i + 1}`);
      const value = row.element.querySelector(`[id="${fieldId.itemValue(row.draft.id)}"]`);
      value?.setAttribute("data-summary-label", `Value ${i + 1}`);
    });
  };

  const add = (source: ItemDraft["source"], key = ""): ItemDraft => {
    const draft: ItemDraft = { id: ids.next(prefix), key, source, text: "" };
    const row = itemRow(draft, {
      onRemove: () => {
        const index = rows.findIndex((r) => r.draft === draft);
        rows.splice(index, 1);
        row.remove();
        if (rows.length === 0) add("text");
        renumber();
        const next = rows[Math.min(index, rows.length - 1)]!;
        document.getElementById(fieldId.itemKey(next.draft.id))?.focus();
      },
      onKey: renumber,
      onRead: (read) => {
        reads.add(read);
        void read.finally(() => reads.delete(read));
      },
    });
    rows.push({ draft, element: row });
    list.appendChild(row);
    renumber();
    return draft;
  };

  addText.addEventListener("click", () => {
    const draft = add("text");
    document.getElementById(fieldId.itemKey(draft.id))?.focus();
  });
  addFile.addEventListener("click", () => {
    const draft = add("file");
    document.getElementById(fieldId.itemValue(draft.id))?.focus();
  });
  add("text");

  return {
    element,
    items: () => rows.map((r) => r.draft),
    ensureKey: (key) => {
      if (rows.some((r) => r.draft.key === key)) return;
      const blank = rows.find(
        (r) => r.draft.key === "" && r.draft.source === "text" && r.draft.text === "",
      );
      if (blank) {
        blank.draft.key = key;
        const input = blank.element.querySelector<HTMLInputElement>(
          `[id="${fieldId.itemKey(blank.draft.id)}"]`,
        );
        if (input) input.value = key;
        renumber();
        return;
      }
      add("text", key);
    },
    clear: () => {
      for (const row of rows) row.element.remove();
      rows.length = 0;
      add("text");
    },
    settled: async () => {
      await Promise.all([...reads]);
    },
  };
}

interface RowEvents {
  onRemove: () => void;
  onKey: () => void;
  onRead: (read: Promise<void>) => void;
}

function itemRow(draft: ItemDraft, events: RowEvents): HTMLElement {
  const keyId = fieldId.itemKey(draft.id);
  const valueId = fieldId.itemValue(draft.id);
  const key = h("input", {
    id: keyId,
    type: "text",
    value: draft.key,
    autocomplete: "off",
    spellcheck: "false",
    autocapitalize: "off",
    placeholder: draft.source === "file" ? "defaults to the file name" : "e.g. password",
    "aria-describedby": `${keyId}-error`,
  });
  key.addEventListener("input", () => {
    draft.key = key.value;
    events.onKey();
  });
  const remove = h(
    "button",
    { type: "button", class: "remove icon-button", title: "Remove" },
    icon("remove"),
  );
  remove.addEventListener("click", events.onRemove);
  const value =
    draft.source === "text" ? textValue(draft, valueId) : fileValue(draft, valueId, key, events);
  return h(
    "li",
    { class: `item ${draft.source}` },
    keyField(keyId, key, "key-field"),
    value,
    remove,
  );
}

function textValue(draft: ItemDraft, id: string): HTMLElement {
  const area = h("textarea", {
    id,
    rows: 1,
    autocomplete: "off",
    spellcheck: "false",
    autocapitalize: "off",
    autocorrect: "off",
    "data-secret": "true",
    "aria-describedby": `${id}-note ${id}-error`,
  });
  const note = h("p", { class: "field-note", id: `${id}-note` });
  area.addEventListener("input", () => {
    draft.text = area.value;
    note.textContent = textNote(area.value);
  });
  return h(
    "div",
    { class: "field value-field" },
    h("label", { for: id }, "Value"),
    area,
    note,
    h("p", { class: "field-error", id: `${id}-error`, hidden: true }),
  );
}

/** A note on invisible details that often break a secret (a trailing newline, edge spaces). */
export function textNote(text: string): string {
  const bytes = new TextEncoder().encode(text).length;
  const size = `${bytes.toLocaleString("en")} ${bytes === 1 ? "byte" : "bytes"}`;
  if (/\n$/.test(text)) return `${size}, ends with a line break`;
  if (/^\s|\s$/.test(text)) return `${size}, starts or ends with a space`;
  return text === "" ? "" : size;
}

function fileValue(
  draft: ItemDraft,
  id: string,
  key: HTMLInputElement,
  events: RowEvents,
): HTMLElement {
  const input = h("input", { id, type: "file", "aria-describedby": `${id}-note ${id}-error` });
  const note = h("p", { class: "field-note", id: `${id}-note` }, "No file chosen");
  input.addEventListener("change", () => {
    const chosen = input.files?.[0];
    if (!chosen) return;
    const read = chosen.arrayBuffer().then((buffer) => {
      draft.file = { name: chosen.name, bytes: new Uint8Array(buffer) };
      note.textContent = `${chosen.name}, ${buffer.byteLength.toLocaleString("en")} bytes`;
      if (draft.key === "") {
        key.value = chosen.name;
        key.dispatchEvent(new Event("input"));
      }
    });
    events.onRead(read);
  });
  // The native control says "Choose File / no file chosen" in the browser's language; the note
  // says what was read, so the input sits inside a button-like label instead.
  const wrapper = h(
    "div",
    { class: "field value-field" },
    h("span", { class: "field-label" }, "File"),
  );
  const button = h(
    "label",
    { class: "file-button secondary small" },
    input,
    icon("file"),
    " Choose a file…",
  );
  append(wrapper, button, note, h("p", { class: "field-error", id: `${id}-error`, hidden: true }));
  return wrapper;
}
