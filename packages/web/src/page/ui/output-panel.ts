import type { OutputFormat } from "@signet/core/browser";

import type { SealedOutput } from "../seal-flow.js";
import { byId, h, replaceChildren } from "./dom.js";
import type { PageEnv } from "./env.js";
import { createTabs } from "./tabs.js";

/** The sealed result: YAML and JSON exactly as `signet` prints them, with copy and download. */
export interface OutputPanel {
  show(output: SealedOutput, note: string): void;
  hide(): void;
}

export function createOutputPanel(env: PageEnv, announce: (text: string) => void): OutputPanel {
  const section = byId("output");
  const heading = byId("output-heading");
  const summary = byId("output-summary");
  const text = byId("output-text");
  const copy = byId<HTMLButtonElement>("output-copy");
  const download = byId<HTMLButtonElement>("output-download");
  const downloadName = byId("output-download-name");
  const applyHint = byId("output-apply");
  let current: SealedOutput | undefined;
  let format: OutputFormat = "yaml";

  const fileName = (): string => {
    const name = current?.object.metadata?.name ?? "sealed-secret";
    return `${name}.sealed.${format}`;
  };
  const render = (): void => {
    if (!current) return;
    text.textContent = format === "yaml" ? current.yaml : current.json;
    downloadName.textContent = fileName();
    replaceChildren(
      applyHint,
      "Commit it to Git, or apply it: ",
      h("code", {}, `kubectl apply -f ${fileName()}`),
    );
  };
  const tabs = createTabs(byId("output-formats"), (id) => {
    format = id === "output-yaml" ? "yaml" : "json";
    render();
  });

  copy.addEventListener("click", () => {
    if (!current) return;
    const value = text.textContent ?? "";
    env.copyText(value).then(
      () => announce(`Copied the ${format.toUpperCase()} to the clipboard.`),
      () => {
        selectAll(text);
        announce("The browser refused the clipboard: the text is selected, press Ctrl+C.");
      },
    );
  });
  download.addEventListener("click", () => {
    if (current) env.download(fileName(), text.textContent ?? "");
  });

  return {
    show: (output, note) => {
      current = output;
      format = output.primary;
      tabs.select(format === "yaml" ? "output-yaml" : "output-json", false);
      replaceChildren(summary, note);
      render();
      section.dataset["state"] = "ready";
      // Beside the form on wide screens the result is in view already: do not jump the page.
      heading.focus({ preventScroll: true });
      heading.scrollIntoView({ block: "nearest" });
    },
    hide: () => {
      current = undefined;
      section.dataset["state"] = "empty";
      text.textContent = "";
    },
  };
}

function selectAll(element: HTMLElement): void {
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
}
