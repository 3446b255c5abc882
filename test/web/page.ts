/// <reference types="node" />
/// <reference lib="dom" />
// Driving the seal page as a user would (labels, buttons, files, keyboard), recording every
// request it makes, and saving screenshots under test-results/web/ (gitignored).
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";

import type { Browser, BrowserContextOptions, Page } from "playwright-core";

import { repoRoot, signetCommand } from "../interop/reference-tools.js";

/** Screenshots of the main states, kept as test artifacts. */
export const SCREENSHOTS = join(repoRoot, "test-results", "web");

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  /** What the test was doing when the page sent it. */
  phase: string;
}

/** One page in its own browser context, with everything it sent and every problem it logged. */
export interface SealPage {
  page: Page;
  requests: RecordedRequest[];
  /** Console errors, uncaught exceptions and CSP violations. */
  problems: string[];
  /** Labels the requests sent from now on. */
  phase(name: string): void;
  close(): Promise<void>;
}

/** Opens `url` in a fresh context (no shared storage) and waits for the page's script. */
export async function openSealPage(
  browser: Browser,
  url: string,
  options: BrowserContextOptions = {},
): Promise<SealPage> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, ...options });
  const page = await context.newPage();
  // A hang guard, not a speed claim: with the control plane and other suites on the same two
  // cores, Chromium has taken more than Playwright's default 30 s to load and get ready.
  page.setDefaultTimeout(90_000);
  const requests: RecordedRequest[] = [];
  const problems: string[] = [];
  let phase = "load";
  context.on("request", (req) => {
    requests.push({
      url: req.url(),
      method: req.method(),
      headers: req.headers(),
      body: req.postDataBuffer()?.toString("latin1") ?? "",
      phase,
    });
  });
  page.on("websocket", (ws) => problems.push(`websocket opened: ${ws.url()}`));
  page.on("console", (message) => {
    if (message.type() === "error" || /Content.Security.Policy/i.test(message.text())) {
      problems.push(`console: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  await loadSteadily(page, url, problems);
  return {
    page,
    requests,
    problems,
    phase: (name) => void (phase = name),
    close: () => context.close(),
  };
}

export type ItemInput =
  { key: string; text: string } | { key?: string; file: { name: string; bytes: Buffer } };

export interface SecretInput {
  name: string;
  namespace: string;
  scope?: "strict" | "namespace-wide" | "cluster-wide";
  type?: string;
  immutable?: boolean;
  items: ItemInput[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Adds values to an items editor (`n`: new form, `m`: merge form) as a user would. */
export async function addItems(page: Page, prefix: "n" | "m", items: ItemInput[]): Promise<void> {
  let rows = await page.locator(`[id^="item-${prefix}"][id$="-key"]`).count();
  const firstEmpty =
    rows === 1 &&
    (await page.inputValue(`#item-${prefix}1-key`)) === "" &&
    (await page.locator(`textarea#item-${prefix}1-value`).count()) === 1;
  let freeRow: number | undefined = firstEmpty ? 1 : undefined;
  for (const item of items) {
    if ("text" in item) {
      let row = freeRow;
      freeRow = undefined;
      if (row === undefined) {
        await page.click(`#${prefix}add-text`);
        row = ++rows;
      }
      await page.fill(`#item-${prefix}${row}-key`, item.key);
      await page.fill(`#item-${prefix}${row}-value`, item.text);
    } else {
      await page.click(`#${prefix}add-file`);
      const row = ++rows;
      await page.setInputFiles(`#item-${prefix}${row}-value`, {
        name: item.file.name,
        mimeType: "application/octet-stream",
        buffer: item.file.bytes,
      });
      await page.waitForFunction(
        (id) => document.getElementById(id)?.textContent?.includes("bytes") ?? false,
        `item-${prefix}${row}-value-note`,
      );
      if (item.key !== undefined) await page.fill(`#item-${prefix}${row}-key`, item.key);
    }
  }
}

/** Adds labels and annotations of the Secret (opening their section first). */
export async function addMetadata(
  page: Page,
  prefix: "n" | "m",
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
): Promise<void> {
  if (Object.keys(labels).length + Object.keys(annotations).length === 0) return;
  const form = prefix === "n" ? "#new-form" : "#merge-form";
  await page.click(`${form} details.metadata > summary`);
  for (const [kind, map] of [
    ["label", labels],
    ["annotation", annotations],
  ] as const) {
    let n = 0;
    for (const [key, value] of Object.entries(map)) {
      n++;
      await page.click(`#${prefix}add-${kind}`);
      await page.fill(`#${kind}-${prefix}${kind[0]}${n}-key`, key);
      await page.fill(`#${kind}-${prefix}${kind[0]}${n}-value`, value);
    }
  }
}

/** Fills the "New SealedSecret" form. */
export async function fillNewSecret(page: Page, input: SecretInput): Promise<void> {
  await page.fill("#name", input.name);
  await page.fill("#namespace", input.namespace);
  await page.check(`input[name="scope"][value="${input.scope ?? "strict"}"]`);
  if (input.type !== undefined) await page.fill("#type", input.type);
  if (input.immutable) await page.check("#immutable");
  await addItems(page, "n", input.items);
  await addMetadata(page, "n", input.labels, input.annotations);
}

export interface Output {
  yaml: string;
  json: string;
  summary: string;
}

/** Clicks a Seal button, waits for the output and reads both formats from it. */
export async function sealAndRead(page: Page, button = "#new-seal"): Promise<Output> {
  await page.evaluate(() => {
    document.getElementById("output")!.dataset["state"] = "empty";
  });
  await page.click(button);
  await page.waitForSelector('#output[data-state="ready"]');
  return readOutput(page);
}

/** Reads the output panel in both formats (leaving the format it showed selected). */
export async function readOutput(page: Page): Promise<Output> {
  const shown = await page.getAttribute("#output-yaml", "aria-selected");
  await page.click("#output-yaml");
  const yaml = (await page.textContent("#output-text")) ?? "";
  await page.click("#output-json");
  const json = (await page.textContent("#output-text")) ?? "";
  if (shown === "true") await page.click("#output-yaml");
  const summary = (await page.textContent("#output-summary")) ?? "";
  return { yaml, json, summary };
}

/** A full-page screenshot under test-results/web/. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  // From the top, so the output column (sticky on wide screens) sits where a reader sees it.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Every form a plaintext could travel in: as is, standard and URL-safe base64 (padded or not),
 * URL-encoded, and hex.
 */
export function plaintextForms(value: string | Buffer): string[] {
  const bytes = Buffer.isBuffer(value) ? value : Buffer.from(value, "utf8");
  const forms = [
    bytes.toString("latin1"),
    bytes.toString("utf8"),
    bytes.toString("base64"),
    bytes.toString("base64").replace(/=+$/, ""),
    bytes.toString("base64url"),
    encodeURIComponent(bytes.toString("utf8")),
    bytes.toString("hex"),
  ];
  return [...new Set(forms)].filter((f) => f.length >= 6);
}

/** The requests that carry any form of any of `plaintexts` (URL, headers or body). */
export function leaks(
  requests: readonly RecordedRequest[],
  plaintexts: readonly (string | Buffer)[],
): string[] {
  const found: string[] = [];
  for (const req of requests) {
    const haystack = `${req.url}\n${JSON.stringify(req.headers)}\n${req.body}`;
    for (const value of plaintexts) {
      if (plaintextForms(value).some((form) => haystack.includes(form))) {
        found.push(`${req.method} ${req.url} (${req.phase})`);
      }
    }
  }
  return found;
}

export interface SignetUi {
  url: string;
  stdout(): string;
  stop(): Promise<number | null>;
}

/** Runs the built `signet ui` (port 0) and waits for the URL it prints. */
export async function startSignetUi(args: readonly string[]): Promise<SignetUi> {
  const { command, args: prefix } = signetCommand();
  const child: ChildProcess = spawn(command, [...prefix, "ui", "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`signet ui printed no URL:\n${out}${err}`)),
      30_000,
    );
    const check = (): void => {
      const match = /Signet seal page: (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout?.on("data", check);
    void exited.then((code) => reject(new Error(`signet ui exited (${code}):\n${out}${err}`)));
  });
  return {
    url,
    stdout: () => out,
    stop: async () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

const NETWORK_CHANGED = /ERR_NETWORK_CHANGED/;

/**
 * Opens the page and waits until its script has run (`body.ready`), loading it again when
 * Chromium aborted one of its requests with ERR_NETWORK_CHANGED (see {@link gotoSteadily}: a
 * lost `app.js` leaves the page dead, which had nothing to do with the page). Those aborts are
 * not kept among the page's problems.
 */
async function loadSteadily(page: Page, url: string, problems: string[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await gotoSteadily(page, url);
    const ready = await readyUnlessNetworkChanged(page, problems);
    for (let i = problems.length - 1; i >= 0; i--) {
      if (NETWORK_CHANGED.test(problems[i]!)) problems.splice(i, 1);
    }
    if (ready) return;
    if (attempt >= 3) {
      throw new Error("the page never loaded: Chromium's network changed under it three times");
    }
  }
}

/** True once the page is ready; false when a request of it was aborted by a network change. */
async function readyUnlessNetworkChanged(page: Page, problems: string[]): Promise<boolean> {
  const isReady = (): Promise<boolean> =>
    page.evaluate(() => document.body.classList.contains("ready")).catch(() => false);
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (await isReady()) return true;
    if (problems.some((p) => NETWORK_CHANGED.test(p))) {
      // A lost icon does not keep the page from getting ready: a moment to see which it was.
      await new Promise((r) => setTimeout(r, 1000));
      return isReady();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the page did not get ready within 90 s");
}

/**
 * `page.goto`, again when Chromium aborted it with ERR_NETWORK_CHANGED: other e2e files create
 * and remove network namespaces and their links while this one runs, and Chromium's Linux
 * network-change watcher then fails the navigation in flight (nothing about the page itself).
 */
async function gotoSteadily(page: Page, url: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.goto(url);
      return;
    } catch (err) {
      if (attempt >= 3 || !/ERR_NETWORK_CHANGED/.test((err as Error).message)) throw err;
    }
  }
}
