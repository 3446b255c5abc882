import { expiredMessage, expiryOf, nameText, parseCertificatePem } from "../certificate.js";
import type { CertificateInfo, Expiry } from "../certificate.js";
import { importSealingKey } from "../webcrypto-seal.js";
import { byId, errorMessage, h, icon, onTextFileChosen, replaceChildren } from "./dom.js";
import type { PageEnv } from "./env.js";

/** The certificate the page seals with, imported for WebCrypto. */
export interface LoadedCertificate {
  info: CertificateInfo;
  key: CryptoKey;
  /** Where it came from, for the page ("this server", "pasted text", a file name). */
  origin: string;
}

/** The certificate panel: loads, shows and swaps the sealing certificate. */
export interface CertificatePanel {
  current(): LoadedCertificate | undefined;
  /** Called whenever the certificate changes. */
  onChange(listener: () => void): void;
  /** Loads from the serving server (at start and on "Reload"). */
  loadFromServer(): Promise<void>;
}

export function createCertificatePanel(env: PageEnv): CertificatePanel {
  const status = byId("cert-status");
  const other = byId<HTMLDetailsElement>("cert-other");
  const pasted = byId<HTMLTextAreaElement>("cert-pem");
  const file = byId<HTMLInputElement>("cert-file");
  const pasteError = byId("cert-pem-error");
  const listeners: (() => void)[] = [];
  let loaded: LoadedCertificate | undefined;

  const set = (next: LoadedCertificate | undefined): void => {
    loaded = next;
    for (const listener of listeners) listener();
  };

  /** Parses and imports `pem`; shows the problem in `where` and keeps the old one on failure. */
  const use = async (pem: string, origin: string, where: HTMLElement): Promise<boolean> => {
    try {
      const info = await parseCertificatePem(pem, env.sha256);
      if (!env.subtle) throw new Error("WebCrypto is not available");
      const key = await importSealingKey(env.subtle, info.spki);
      set({ info, key, origin });
      replaceChildren(where);
      render();
      return true;
    } catch (err) {
      replaceChildren(where, icon("error"), ` ${origin}: ${errorMessage(err)}`);
      where.hidden = false;
      return false;
    }
  };

  const render = (): void => {
    if (!loaded) return;
    replaceChildren(status, summary(loaded, expiryOf(loaded.info, env.now())));
    status.classList.remove("pending");
  };

  byId("cert-use").addEventListener("click", () => {
    void use(pasted.value, "Pasted certificate", pasteError).then((ok) => {
      if (ok) closeOther();
    });
  });
  onTextFileChosen(file, async (text, name) => {
    if (await use(text, `Certificate file ${name}`, pasteError)) closeOther();
  });
  const closeOther = (): void => {
    other.open = false;
    pasted.value = "";
    pasteError.hidden = true;
  };

  const loadFromServer = async (): Promise<void> => {
    replaceChildren(
      status,
      h("p", { class: "muted" }, "Loading the certificate from this server…"),
    );
    const fetched = await env.fetchServerCertificate();
    if ("pem" in fetched && (await use(fetched.pem, "Certificate from this server", status))) {
      return;
    }
    if ("problem" in fetched) {
      replaceChildren(
        status,
        h(
          "p",
          { class: loaded ? "notice warn" : "notice" },
          loaded ? icon("warn") : undefined,
          `No certificate from this server (${fetched.problem}). `,
          loaded
            ? "Still using the one shown before."
            : "Paste the controller's certificate or open its file below (get it with signet --fetch-cert > cert.pem).",
        ),
      );
      if (loaded) status.append(summary(loaded, expiryOf(loaded.info, env.now())));
      if (!loaded) other.open = true;
    }
  };
  byId("cert-reload").addEventListener("click", () => void loadFromServer());

  return {
    current: () => loaded,
    onChange: (listener) => void listeners.push(listener),
    loadFromServer,
  };
}

const dateFormat = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

function summary(cert: LoadedCertificate, expiry: Expiry): HTMLElement {
  const { info } = cert;
  const days = Math.abs(expiry.days).toLocaleString("en");
  const relative = expiry.state === "expired" ? `expired ${days} days ago` : `in ${days} days`;
  return h(
    "div",
    { class: "cert-summary", "data-state": expiry.state },
    h(
      "p",
      { class: "cert-origin" },
      icon(expiry.state === "expired" ? "error" : "check"),
      ` ${cert.origin}`,
    ),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "Fingerprint"),
      h("dd", { class: "mono", id: "cert-fingerprint" }, info.fingerprint),
      h("dt", {}, "Subject"),
      h("dd", {}, nameText(info.subject)),
      h("dt", {}, "Expires"),
      h("dd", { id: "cert-expiry" }, `${dateFormat.format(info.notAfter)} UTC (${relative})`),
      h("dt", {}, "Key"),
      h("dd", {}, `RSA, ${info.modulusBits} bits`),
    ),
    expiryNotice(cert.info, expiry),
  );
}

function expiryNotice(info: CertificateInfo, expiry: Expiry): HTMLElement | undefined {
  if (expiry.state === "expired") {
    return h(
      "p",
      { class: "notice error", role: "alert", id: "cert-warning" },
      icon("error"),
      ` This certificate has expired: ${expiredMessage(info)}. Get the controller's current certificate (signet --fetch-cert).`,
    );
  }
  if (expiry.state === "expires-soon") {
    return h(
      "p",
      { class: "notice warn", id: "cert-warning" },
      icon("warn"),
      ` Expires in ${expiry.days} days. What you seal now keeps working after that, but signet and kubeseal refuse an expired certificate: fetch the new one when the controller renews its key.`,
    );
  }
  return undefined;
}
