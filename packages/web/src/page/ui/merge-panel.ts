import { parseMergeTarget } from "@signet/core/browser";
import type { MergeTarget } from "@signet/core/browser";

import { checkDraft } from "../draft.js";
import { inspectObject } from "../inspect.js";
import { sealMerge } from "../seal-flow.js";
import {
  byId,
  errorNotice,
  h,
  onTextFileChosen,
  replaceChildren,
  whenTypingPauses,
} from "./dom.js";
import type { IdSource } from "./dom.js";
import { runSeal, values } from "./seal-action.js";
import type { SealContext } from "./seal-action.js";
import { createValueEditors } from "./value-editors.js";

const SOURCE = "the pasted SealedSecret";

/**
 * "Add to existing": new values sealed for a pasted SealedSecret and merged into it. Its name,
 * namespace and scope decide the label (what the controller will unseal it with); the other
 * ciphertexts, comments and layout are kept.
 */
export function createMergePanel(
  ids: IdSource,
  ctx: Omit<SealContext, "form" | "summary" | "button">,
): void {
  const form = byId<HTMLFormElement>("merge-form");
  const existing = byId<HTMLTextAreaElement>("merge-existing");
  const file = byId<HTMLInputElement>("merge-file");
  const about = byId("merge-target");
  const { items, labels, annotations } = createValueEditors(ids, "merge", "m", ctx);

  const target = (): MergeTarget | undefined => {
    if (existing.value.trim() === "") return undefined;
    return parseMergeTarget(existing.value, SOURCE);
  };
  const describe = (): void => {
    try {
      const parsed = target();
      if (!parsed) return replaceChildren(about);
      replaceChildren(about, targetSummary(parsed, ctx.certificates.current()?.info.fingerprint));
    } catch (err) {
      replaceChildren(about, errorNotice(err));
    }
  };
  whenTypingPauses(existing, describe);
  ctx.certificates.onChange(describe);
  onTextFileChosen(file, (text) => {
    existing.value = text;
    describe();
  });

  const button = byId<HTMLButtonElement>("merge-seal");
  const sealContext: SealContext = { ...ctx, form, summary: byId("merge-problems"), button };
  const draft = (): Parameters<typeof sealMerge>[1] => ({
    items: items.items(),
    labels: labels.pairs(),
    annotations: annotations.pairs(),
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    let parsed: MergeTarget | undefined;
    void runSeal(sealContext, {
      check: async () => {
        await items.settled();
        parsed = target();
        const check = checkDraft(
          { name: "", namespace: "", scope: "strict", type: "", immutable: false, ...draft() },
          "merge",
          "madd-text",
        );
        if (!parsed) {
          check.problems.unshift({
            field: "merge-existing",
            message: "Paste the SealedSecret to add values to.",
          });
        }
        return check;
      },
      seal: (sealer) => sealMerge(parsed!, draft(), sealer),
      describe: (output) => {
        const before = Object.keys(parsed?.object.spec?.encryptedData ?? {});
        const replaced = output.itemKeys.filter((k) => before.includes(k));
        const kept = before.filter((k) => !output.itemKeys.includes(k));
        return [
          `${values(output.itemKeys.length)} sealed for ${output.binding} (${output.scope}, from the pasted SealedSecret) and merged in`,
          replaced.length > 0 ? `, replacing ${replaced.join(", ")}` : "",
          `; ${values(kept.length)} kept unchanged.`,
        ].join("");
      },
    });
  });
}

function targetSummary(target: MergeTarget, fingerprint: string | undefined): HTMLElement {
  const about = inspectObject(target.object, fingerprint);
  const keys = about.items.map((i) => i.key);
  const hint =
    about.keyHint === undefined
      ? "no key hint"
      : about.hintMatchesCertificate
        ? "sealed with this certificate"
        : `sealed with another key (${about.keyHint})`;
  return h(
    "dl",
    { class: "facts compact", id: "merge-target-facts" },
    h("dt", {}, "SealedSecret"),
    h("dd", {}, `${about.namespace ?? "(no namespace)"}/${about.name ?? "(no name)"}`),
    h("dt", {}, "Scope"),
    h("dd", {}, `${about.scope}: new values are bound to ${about.binding}`),
    h("dt", {}, "Values"),
    h("dd", {}, keys.length === 0 ? "none yet" : keys.join(", ")),
    h("dt", {}, "Key"),
    h("dd", {}, hint),
  );
}
