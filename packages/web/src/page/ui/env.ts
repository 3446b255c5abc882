import type { Sha256 } from "../certificate.js";
import type { RandomSource, Subtle } from "../webcrypto-seal.js";

/** Everything the page does to the outside world, built once in main.ts. */
export interface PageEnv {
  /** WebCrypto; undefined outside a secure context (plain http on a non-local address). */
  subtle: (Subtle & Pick<SubtleCrypto, "digest">) | undefined;
  random: RandomSource;
  sha256: Sha256;
  now(): Date;
  /** GET `../v1/cert.pem` from the server that served the page (the only request it makes). */
  fetchServerCertificate(): Promise<{ pem: string } | { problem: string }>;
  copyText(text: string): Promise<void>;
  download(fileName: string, text: string): void;
}

/** The real environment of the page in a browser. */
export function browserEnv(): PageEnv {
  const subtle = globalThis.isSecureContext ? globalThis.crypto?.subtle : undefined;
  return {
    subtle,
    random: (size) => crypto.getRandomValues(new Uint8Array(size)),
    sha256: async (data) => {
      if (!subtle) throw new Error("WebCrypto is not available");
      return new Uint8Array(await subtle.digest("SHA-256", data));
    },
    now: () => new Date(),
    fetchServerCertificate,
    copyText: (text) => navigator.clipboard.writeText(text),
    download: (fileName, text) => {
      const type = fileName.endsWith(".json") ? "application/json" : "application/yaml";
      const url = URL.createObjectURL(new Blob([text], { type }));
      const link = document.createElement("a");
      link.href = url;
      link.download = fileName;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
  };
}

/**
 * The certificate next to the page: `../v1/cert.pem` relative to `/ui/`, so it also works behind
 * a path prefix (the API server's service proxy, `kubectl proxy`, an authenticating proxy whose
 * cookie the browser sends to the same origin only).
 */
async function fetchServerCertificate(): Promise<{ pem: string } | { problem: string }> {
  if (location.protocol === "file:") return { problem: "the page was opened from a file" };
  try {
    const response = await fetch(new URL("../v1/cert.pem", location.href), {
      credentials: "same-origin",
      cache: "no-store",
      redirect: "error",
    });
    if (!response.ok) {
      return { problem: `${response.status} ${response.statusText}`.trim() };
    }
    return { pem: await response.text() };
  } catch (err) {
    return { problem: err instanceof Error ? err.message : String(err) };
  }
}
