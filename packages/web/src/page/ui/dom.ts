import { isSignetError } from "@signet/core/browser";

/**
 * Building DOM without HTML strings: the page never assigns `innerHTML` (its CSP enforces Trusted
 * Types with no policy, so it could not), and pasted text only ever becomes `textContent`.
 */

type Child = Node | string | false | null | undefined;

/** Attributes to set; `false`/`undefined` skip one, `true` sets it empty. */
export type Attributes = Record<string, string | number | boolean | undefined>;

/** Creates an element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, ...children);
  return element;
}

/** Appends children, skipping the empty ones. */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === false || child === null || child === undefined) continue;
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, ...children);
}

/** The element with `id`, which the page's HTML must have. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`page element #${id} is missing`);
  return element as T;
}

/** Unique element ids for rows added at run time (one source per page). */
export interface IdSource {
  next(prefix: string): string;
}

/** A new id source; ids are `prefix` + a counter of that prefix (n1, n2, ..., m1, ...). */
export function createIdSource(): IdSource {
  const counters = new Map<string, number>();
  return {
    next: (prefix) => {
      const next = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, next);
      return `${prefix}${next}`;
    },
  };
}

/** An inline SVG icon from the page's small set (paths drawn on a 24×24 grid). */
export function icon(name: keyof typeof ICONS): SVGSVGElement {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "icon");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", ICONS[name]);
  svg.appendChild(path);
  return svg;
}

const ICONS = {
  lock: "M7 10V7a5 5 0 0 1 10 0v3M5 10h14v11H5zM12 14v3",
  check: "M4 12.5l5 5L20 6.5",
  warn: "M12 3l10 18H2zM12 10v5M12 18v.5",
  error: "M12 2a10 10 0 1 0 0 20a10 10 0 1 0 0-20M12 7v6M12 16.5v.5",
  remove: "M6 6l12 12M18 6L6 18",
  plus: "M12 5v14M5 12h14",
  copy: "M9 9h11v11H9zM5 15H4V4h11v1",
  download: "M12 4v11M7 10l5 5l5-5M5 20h14",
  file: "M6 2h8l5 5v15H6zM14 2v5h5",
} as const;

/** The message of anything thrown, for showing to the user. */
export function errorMessage(err: unknown): string {
  return isSignetError(err) || err instanceof Error ? err.message : String(err);
}

/** A one-line error notice (icon and message) for a panel's result area. */
export function errorNotice(err: unknown): HTMLElement {
  return h("p", { class: "notice error" }, icon("error"), ` ${errorMessage(err)}`);
}

/** Calls `then` once typing in `field` has paused for `ms` milliseconds. */
export function whenTypingPauses(field: HTMLElement, then: () => void, ms = 250): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  field.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(then, ms);
  });
}

/** Reads the file chosen in `input` as text, hands it to `use`, then clears the input. */
export function onTextFileChosen(
  input: HTMLInputElement,
  use: (text: string, name: string) => unknown,
): void {
  input.addEventListener("change", () => {
    const chosen = input.files?.[0];
    if (!chosen) return;
    void chosen.text().then(async (text) => {
      await use(text, chosen.name);
      input.value = "";
    });
  });
}

/** The key column of a key/value row: label, input and the place for its error. */
export function keyField(keyId: string, key: HTMLInputElement, extraClass = ""): HTMLElement {
  return h(
    "div",
    { class: `field${extraClass && ` ${extraClass}`}` },
    h("label", { for: keyId }, "Key"),
    key,
    h("p", { class: "field-error", id: `${keyId}-error`, hidden: true }),
  );
}
