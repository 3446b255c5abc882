import { inspectText } from "../inspect.js";
import type { InspectedItem, InspectedSealedSecret } from "../inspect.js";
import {
  byId,
  errorNotice,
  h,
  icon,
  onTextFileChosen,
  replaceChildren,
  whenTypingPauses,
} from "./dom.js";
import type { CertificatePanel } from "./certificate-panel.js";

/** "Inspect": what pasted SealedSecrets hold, without decrypting anything. */
export function createInspectPanel(certificates: CertificatePanel): void {
  const text = byId<HTMLTextAreaElement>("inspect-text");
  const file = byId<HTMLInputElement>("inspect-file");
  const results = byId("inspect-results");

  const render = (): void => {
    if (text.value.trim() === "") return replaceChildren(results);
    try {
      const found = inspectText(text.value, certificates.current()?.info.fingerprint);
      const skipped =
        found.skipped.length > 0
          ? h("p", { class: "muted" }, `Skipped other documents: ${found.skipped.join(", ")}.`)
          : undefined;
      if (found.sealedSecrets.length === 0) {
        return replaceChildren(
          results,
          h("p", { class: "notice" }, "No SealedSecret found."),
          skipped,
        );
      }
      replaceChildren(results, ...found.sealedSecrets.map(card), skipped);
    } catch (err) {
      replaceChildren(results, errorNotice(err));
    }
  };
  whenTypingPauses(text, render);
  certificates.onChange(render);
  onTextFileChosen(file, (content) => {
    text.value = content;
    render();
  });
}

function card(ss: InspectedSealedSecret): HTMLElement {
  const id = `${ss.namespace ?? "(no namespace)"}/${ss.name ?? "(no name)"}`;
  const target = `Secret ${ss.binding === "*" ? "(any name, any namespace)" : id}, type ${ss.type}${ss.immutable ? ", immutable" : ""}`;
  return h(
    "article",
    { class: "inspected" },
    h("h3", {}, `SealedSecret ${id}`),
    ss.problem ? h("p", { class: "notice error" }, icon("error"), ` ${ss.problem}`) : undefined,
    h(
      "dl",
      { class: "facts compact" },
      h("dt", {}, "Scope"),
      h("dd", {}, `${ss.scope} (${scopeBinding(ss)})`),
      h("dt", {}, "Produces"),
      h("dd", {}, target),
      h("dt", {}, "Key hint"),
      h("dd", { class: "mono" }, hintText(ss)),
      h("dt", {}, "Template"),
      h("dd", {}, templateText(ss)),
    ),
    itemsTable(ss.items, ss.legacyData),
  );
}

function scopeBinding(ss: InspectedSealedSecret): string {
  if (ss.scope === "cluster-wide") return "opens under any name and namespace";
  if (ss.scope === "namespace-wide") return `bound to namespace ${ss.namespace ?? ""}`;
  return `bound to ${ss.namespace ?? ""}/${ss.name ?? ""}`;
}

function hintText(ss: InspectedSealedSecret): string {
  if (ss.keyHint === undefined) return "(none)";
  if (ss.hintMatchesCertificate === undefined) return ss.keyHint;
  return `${ss.keyHint} (${ss.hintMatchesCertificate ? "this certificate" : "not this certificate"})`;
}

function templateText(ss: InspectedSealedSecret): string {
  const part = (what: string, keys: string[]): string =>
    `${what} ${keys.length === 0 ? "none" : keys.join(", ")}`;
  const t = ss.template;
  return [part("labels", t.labels), part("annotations", t.annotations), part("data", t.data)].join(
    "; ",
  );
}

function itemsTable(items: readonly InspectedItem[], legacy: boolean): HTMLElement {
  const caption = `${items.length} ${items.length === 1 ? "value" : "values"}${legacy ? " and a deprecated v1 spec.data blob" : ""}`;
  return h(
    "table",
    { class: "items-table" },
    h("caption", {}, caption),
    h(
      "thead",
      {},
      h("tr", {}, h("th", { scope: "col" }, "Key"), h("th", { scope: "col" }, "Ciphertext")),
    ),
    h(
      "tbody",
      {},
      ...items.map((item) =>
        h(
          "tr",
          {},
          h("th", { scope: "row", class: "mono" }, item.key),
          h(
            "td",
            {},
            item.problem
              ? `${item.ciphertextBytes.toLocaleString("en")} bytes, ${item.problem}`
              : `${item.ciphertextBytes.toLocaleString("en")} bytes, RSA-${item.rsaBits}`,
          ),
        ),
      ),
    ),
  );
}
