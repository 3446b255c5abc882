import { createCertificatePanel } from "./ui/certificate-panel.js";
import { byId, createIdSource } from "./ui/dom.js";
import { browserEnv } from "./ui/env.js";
import { createInspectPanel } from "./ui/inspect-panel.js";
import { createMergePanel } from "./ui/merge-panel.js";
import { createNewPanel } from "./ui/new-panel.js";
import { createOutputPanel } from "./ui/output-panel.js";
import { createTabs } from "./ui/tabs.js";

/**
 * The page's entry point (bundled into app.js): wires the panels to the browser. Sealing
 * happens here, in the browser; the only request the page makes is GET ../v1/cert.pem. Nothing
 * is stored (no cookies, no web storage) and nothing is decrypted.
 */
function start(): void {
  const env = browserEnv();
  const live = byId("announce");
  const announce = (text: string): void => {
    live.textContent = "";
    // A changed text node is what screen readers announce; clear first so a repeat is heard too.
    setTimeout(() => (live.textContent = text), 50);
  };
  if (!env.subtle) byId("no-webcrypto").hidden = false;
  const ids = createIdSource();
  const certificates = createCertificatePanel(env);
  const output = createOutputPanel(env, announce);
  const ctx = { env, certificates, output, announce };
  createNewPanel(ids, ctx);
  createMergePanel(ids, ctx);
  createInspectPanel(certificates);
  const modes = byId("modes");
  createTabs(modes, (id) => {
    output.hide();
    byId("workspace").dataset["mode"] = id;
  });
  document.body.classList.add("ready");
  void certificates.loadFromServer();
}

start();
