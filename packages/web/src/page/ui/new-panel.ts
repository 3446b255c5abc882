import type { SealingScope } from "@signet/core/browser";

import { checkDraft } from "../draft.js";
import type { SecretDraft } from "../draft.js";
import { sealNew } from "../seal-flow.js";
import { SECRET_TYPES } from "../validation.js";
import { byId, h, replaceChildren } from "./dom.js";
import type { IdSource } from "./dom.js";
import { runSeal, values } from "./seal-action.js";
import type { SealContext } from "./seal-action.js";
import { createValueEditors } from "./value-editors.js";

/** The "New SealedSecret" form: name, namespace, scope, type, values, labels and annotations. */
export function createNewPanel(
  ids: IdSource,
  ctx: Omit<SealContext, "form" | "summary" | "button">,
): void {
  const form = byId<HTMLFormElement>("new-form");
  const name = byId<HTMLInputElement>("name");
  const namespace = byId<HTMLInputElement>("namespace");
  const type = byId<HTMLInputElement>("type");
  const immutable = byId<HTMLInputElement>("immutable");
  const { items, labels, annotations } = createValueEditors(ids, "new", "n", ctx);

  const scope = (): SealingScope =>
    (form.querySelector<HTMLInputElement>('input[name="scope"]:checked')?.value ??
      "strict") as SealingScope;

  const explainScopes = (): void => {
    const ns = namespace.value || "its namespace";
    const nm = name.value || "its name";
    byId("scope-strict-note").textContent = `Opens only as ${nm} in ${ns}. The safest choice.`;
    byId("scope-namespace-wide-note").textContent = `Opens under any name in ${ns}.`;
    byId("scope-cluster-wide-note").textContent =
      "Opens under any name in any namespace: anyone who may create a SealedSecret anywhere can read it.";
    byId("namespace-optional").hidden = scope() !== "cluster-wide";
  };
  for (const input of [name, namespace, ...form.querySelectorAll('input[name="scope"]')]) {
    input.addEventListener("input", explainScopes);
  }
  explainScopes();

  const typeHint = byId("type-hint");
  const describeType = (): void => {
    const need = SECRET_TYPES[type.value];
    const keys = [...(need?.all ?? []), ...(need?.anyOf ?? [])];
    if (!need || keys.length === 0) return replaceChildren(typeHint, need?.privileged ?? "");
    const add = h("button", { type: "button", class: "link" }, "Add these keys");
    add.addEventListener("click", () => keys.forEach((k) => items.ensureKey(k)));
    const list = keys.map((k) => `"${k}"`).join(need.anyOf.length > 0 ? " or " : " and ");
    replaceChildren(typeHint, `Needs ${list}. `, add);
  };
  type.addEventListener("input", describeType);
  describeType();

  const draft = (): SecretDraft => ({
    name: name.value.trim(),
    namespace: namespace.value.trim(),
    scope: scope(),
    type: type.value.trim(),
    immutable: immutable.checked,
    items: items.items(),
    labels: labels.pairs(),
    annotations: annotations.pairs(),
  });

  const button = byId<HTMLButtonElement>("new-seal");
  const sealContext: SealContext = { ...ctx, form, summary: byId("new-problems"), button };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void runSeal(sealContext, {
      check: async () => {
        await items.settled();
        return checkDraft(draft(), "new", "nadd-text");
      },
      seal: (sealer) => sealNew(draft(), sealer),
      describe: (output, warnings) =>
        [
          `${values(output.itemKeys.length)} sealed for ${output.binding} (${output.scope}).`,
          "Only the controller holding the private key can open them: the file is safe to commit.",
          ...warnings,
        ].join(" "),
    });
  });
}
