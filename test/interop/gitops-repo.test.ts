/// <reference types="node" />
// Issue 19, "Done when": a GitOps repository like the ones platform teams keep (kustomize, a Helm
// chart, multi-document files, Lists, JSON streams and JSON Lists, CRLF, BOM, comments, kubeseal
// and Signet output in all scopes, templates, read-only files, symbolic links including a loop)
// is inspected, checked and resealed offline by the built `signet`; the REAL kubeseal then opens
// every value with the new key alone, under its own scope only. Every file still parses, only
// ciphertexts and key hints changed, links stay links, permissions are respected.
import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

import { buildFixtureRepo } from "../fixtures/gitops-repo/build.js";
import type { FixtureObject, FixtureRepo, SealRequest } from "../fixtures/gitops-repo/build.js";
import { fixturesDir, runKubeseal, runSignet } from "./reference-tools.js";
import type { RunResult } from "./reference-tools.js";

const keys = join(fixturesDir, "keys");
const NEW_CERT = join(keys, "test-only-sealing-cert.pem");
const NEW_KEY = join(keys, "test-only-sealing-key.pem");
const OLD_CERT = join(keys, "test-only-other-cert.pem");
const OLD_KEY = join(keys, "test-only-other-key.pem");
const KUBECONFIG = join(fixturesDir, "kubeconfig", "test-only-kubeconfig.yaml");
const OFFLINE = ["--cert", NEW_CERT, "--recovery-private-key", `${OLD_KEY},${NEW_KEY}`];
const SCOPE_ANNOTATION = {
  strict: undefined,
  "namespace-wide": "sealedsecrets.bitnami.com/namespace-wide",
  "cluster-wide": "sealedsecrets.bitnami.com/cluster-wide",
} as const;

interface SealedJson {
  kind?: string;
  items?: SealedJson[];
  metadata: { name?: string; namespace?: string; annotations?: Record<string, string> };
  spec?: { encryptedData?: Record<string, string> };
}

function must(result: RunResult, what: string): string {
  if (result.status !== 0) throw new Error(`${what}: exit ${result.status}\n${result.stderr}`);
  return result.stdout;
}

/** Seals one Secret with the real tool (kubeseal or the built signet). */
function seal(request: SealRequest): string {
  const annotation = SCOPE_ANNOTATION[request.scope];
  const secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: request.name,
      namespace: request.namespace,
      ...(annotation && { annotations: { [annotation]: "true" } }),
    },
    stringData: request.data,
  };
  const cert = request.key === "new" ? NEW_CERT : OLD_CERT;
  const args = ["--kubeconfig", KUBECONFIG, "--cert", cert, "-o", request.format];
  const run = request.tool === "kubeseal" ? runKubeseal : runSignet;
  return must(run(args, { input: JSON.stringify(secret) }), `${request.tool} seal ${request.name}`);
}

let tmp: string;
let repo: FixtureRepo;
let root: string;
/** Every regular file reachable under the root (links followed) and outside it, before. */
const before = new Map<string, string>();

function signet(args: string[]): RunResult {
  return runSignet(args, { cwd: tmp });
}

/** Repository-relative paths of the regular files (not links) under `dir`. */
function regularFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return regularFiles(path);
    return e.isFile() ? [relative(root, path)] : [];
  });
}

const read = (file: string): string => readFileSync(join(root, file), "utf8");

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "signet-gitops-repo-"));
  root = join(tmp, "repo");
  repo = buildFixtureRepo(root, seal);
  for (const file of [...regularFiles(root), "../shared/external.yaml"])
    before.set(file, read(file));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// Reading SealedSecrets back, independently of Signet's reader

/** The SealedSecrets of a file as text kubeseal can read: a YAML document as written, else JSON. */
function objectsOf(file: string): { object: SealedJson; text: string }[] {
  return objectsIn(read(file));
}

function objectsIn(text: string): { object: SealedJson; text: string }[] {
  if (/^\uFEFF?\s*\{/.test(text)) {
    return jsonValues(text).flatMap((v) =>
      expand(v).map((o) => ({ object: o, text: JSON.stringify(o) })),
    );
  }
  return parseAllDocuments(text, { version: "1.1" }).flatMap((doc) => {
    const value = doc.toJS() as SealedJson | null;
    if (!value) return [];
    const raw = text.slice(doc.range[0], doc.range[2]);
    if (value.kind === "SealedSecret") return [{ object: value, text: raw }];
    return expand(value).map((o) => ({ object: o, text: JSON.stringify(o) }));
  });
}

function expand(value: SealedJson): SealedJson[] {
  if (value.kind === "SealedSecret") return [value];
  return (value.items ?? []).flatMap(expand);
}

/** The top-level values of a JSON stream (split on balanced brackets outside strings). */
function jsonValues(text: string): SealedJson[] {
  const out: SealedJson[] = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") {
      if (depth++ === 0) start = i;
    } else if ((c === "}" || c === "]") && --depth === 0) {
      out.push(JSON.parse(text.slice(start, i + 1)) as SealedJson);
    }
  }
  return out;
}

function find(o: FixtureObject): { object: SealedJson; text: string } {
  const hit = objectsOf(o.file).find((x) => x.object.metadata.name === o.name);
  if (!hit) throw new Error(`${o.file}: no SealedSecret ${o.name}`);
  return hit;
}

/** `kubeseal --recovery-unseal` of one object with the given keys; the decoded data or stderr. */
function kubesealOpen(text: string, keyFiles: string): Record<string, string> | string {
  const args = ["--recovery-unseal", "--recovery-private-key", keyFiles, "-o", "json"];
  const result = runKubeseal(args, { input: text });
  if (result.status !== 0) return result.stderr;
  const secret = JSON.parse(result.stdout) as { data: Record<string, string | null> };
  return Object.fromEntries(
    Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v ?? "", "base64").toString()]),
  );
}

/** The object as kubeseal must see it: a kustomize patch gets the namespace kustomize would set. */
function placed(
  o: FixtureObject,
  found: { object: SealedJson; text: string },
  change = {},
): string {
  if (o.namespaceInFile && Object.keys(change).length === 0) return found.text;
  const object = structuredClone(found.object);
  object.metadata = { ...object.metadata, namespace: o.namespace, ...change };
  return JSON.stringify(object);
}

// ---------------------------------------------------------------------------------------------
// "Only ciphertexts and hints changed"

const CIPHERTEXT = /Ag[A-Za-z0-9+/]{300,}={0,2}/g;
const HINT = /SHA256:[A-Za-z0-9+/]{43}=?/g;
const mask = (text: string): string => text.replace(CIPHERTEXT, "C").replace(HINT, "H");

/** The texts a hint may add (after masking), at the point where the new text departs from the old. */
const INSERTIONS = [
  /^ *annotations:\r?\n *signet\.dev\/sealed-with: H\r?\n */,
  /^ *signet\.dev\/sealed-with: H\r?\n */,
  /^\r?\n *signet\.dev\/sealed-with: H\r?\n?/,
  /^, annotations: \{signet\.dev\/sealed-with: H\}/,
  /^, signet\.dev\/sealed-with: H/,
  /^,\s*"annotations":\s*\{\s*"signet\.dev\/sealed-with":\s*"H"\s*\}/,
  /^"annotations":\s*\{\s*"signet\.dev\/sealed-with":\s*"H"\s*\},\s*/,
  /^,\s*"signet\.dev\/sealed-with":\s*"H"/,
  /^"signet\.dev\/sealed-with":\s*"H",\s*/,
];

/**
 * Undefined when `after` is `before` with ciphertexts and hint values replaced and at most
 * `budget` hint entries added; else where they first differ.
 */
function unexplainedChange(
  beforeText: string,
  afterText: string,
  budget: number,
): string | undefined {
  const a = mask(afterText);
  const b = mask(beforeText);
  let i = 0;
  let j = 0;
  let inserted = 0;
  while (i < a.length || j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    const match = INSERTIONS.map((re) => re.exec(a.slice(i))?.[0]).find((m) => m !== undefined);
    if (match === undefined || ++inserted > budget) {
      return `after: ${JSON.stringify(a.slice(Math.max(0, i - 60), i + 60))}\nbefore: ${JSON.stringify(b.slice(Math.max(0, j - 60), j + 60))}`;
    }
    i += match.length;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------

const lines = (text: string): string[] => text.split("\n").filter((l) => l !== "");
const EXPECTED_SKIPS = [
  "skipped repo/links/app-01: same directory as repo/apps/app-01 (symbolic link), read once",
  "skipped repo/links/chain-2.yaml: same file as repo/apps/app-02/sealed-secret.yaml (symbolic link), read once",
  "skipped repo/links/chain.yaml: same file as repo/apps/app-02/sealed-secret.yaml (symbolic link), read once",
  "skipped repo/links/dangling.yaml: dangling symbolic link (target missing)",
  "skipped repo/links/loop: symbolic link loop (to repo, which contains it), not followed",
  "skipped repo/charts/app/templates: Helm chart templates (2 files, not rendered)",
  "skipped repo/gotmpl/secret.yaml:5: Go template (not rendered)",
].sort();
/** reseal, which rewrites files, does not follow a link out of the PATH it walks. */
const OUT_OF_REPO = "skipped repo/links/external.yaml: symbolic link out of repo, not followed";

// Hundreds of kubeseal and signet processes on a shared machine: generous per-test timeouts.
describe("a GitOps repository, resealed offline end to end", { timeout: 600_000 }, () => {
  it("is a valid fixture: the real kubeseal opens every value with the keys it was sealed with", () => {
    expect(repo.objects.length).toBeGreaterThanOrEqual(60);
    const values = repo.objects.reduce((n, o) => n + Object.keys(o.data).length, 0);
    expect(values).toBeGreaterThanOrEqual(114);
    for (const o of repo.objects) {
      expect(
        kubesealOpen(placed(o, find(o)), `${OLD_KEY},${NEW_KEY}`),
        `${o.file} ${o.name}`,
      ).toMatchObject(o.data);
    }
  });

  it("inspect names every SealedSecret with file and line, reports skips, prints no runtime warning and fails on the attic", () => {
    const result = signet(["inspect", "-o", "json", "repo"]);
    expect(result.status).toBe(1);
    expect(result.stderr).not.toMatch(/\(node:\d+\)|Warning|ExperimentalWarning/);
    const err = lines(result.stderr);
    expect(err.filter((l) => l.startsWith("error: "))).toEqual([
      expect.stringMatching(
        /^error: repo\/attic\/duplicate\.yaml:\d+:3: duplicate key "encryptedData"/,
      ),
      expect.stringMatching(
        /^error: repo\/attic\/broken\.yaml:2: attic\/broken: item item-0: too short for a sealed value$/,
      ),
    ]);
    expect(err.filter((l) => l.startsWith("skipped ")).sort()).toEqual(EXPECTED_SKIPS);
    const reports = JSON.parse(result.stdout) as { file: string; line: number; name: string }[];
    expect(reports).toHaveLength(repo.objects.length + 1);
    for (const r of reports) expect(r.line, `${r.file} ${r.name}`).toBeGreaterThan(0);
  });

  it("a hint-only --check finds the repository stale before the reseal", () => {
    const result = signet(["reseal", "--check", "--cert", NEW_CERT, "repo", "--exclude", "attic"]);
    expect(result.status).toBe(3);
  });

  it("the reseal reseals every stale value and names each thing it could not do with file and line", () => {
    // The file outside the repository is resealed only because it is named as a PATH.
    const result = signet(["reseal", ...OFFLINE, "repo", "shared/external.yaml"]);
    expect(result.status).toBe(1);
    expect(lines(result.stderr)).toContain(OUT_OF_REPO);
    expect(result.stderr).not.toMatch(/\(node:\d+\)|Warning/);
    const errors = lines(result.stderr)
      .filter((l) => l.startsWith("error: "))
      .map((l) => l.replace(/duplicate\.yaml:\d+:3/, "duplicate.yaml:N:3"));
    expect(errors.sort()).toEqual(
      [
        `error: repo/attic/duplicate.yaml:N:3: duplicate key "encryptedData" (first at line 8): Go's decoders would silently keep one of them, so the file is refused; remove one`,
        "error: repo/attic/broken.yaml:2: attic/broken: no key could decrypt secret (item-0)",
        "error: repo/kustomize/overlays/prod/sealed-patch.yaml:3: app-config: no metadata.namespace: a strict SealedSecret is bound to the namespace it was sealed for (kustomize sets it when building); give it with -n NAMESPACE (the file is not changed)",
        "error: repo/readonly/locked.yaml: not written: permission denied (read-only file); its SealedSecrets are unchanged",
      ].sort(),
    );
    expect(result.stdout).toMatch(
      /; \d+ files written; \d+ key hints added; 8 skipped \(see stderr\)\n$/,
    );
    expect(read("readonly/locked.yaml")).toBe(before.get("readonly/locked.yaml"));
    expect(statSync(join(root, "readonly/locked.yaml")).mode & 0o777).toBe(0o444);
    expect(read("kustomize/overlays/prod/sealed-patch.yaml")).toBe(
      before.get("kustomize/overlays/prod/sealed-patch.yaml"),
    );
  });

  it("-n gives a kustomize patch its overlay's namespace; a read-only file is resealed once writable", () => {
    const patch = signet(["reseal", ...OFFLINE, "-n", "prod", "repo/kustomize/overlays/prod"]);
    expect(patch.stdout).toContain(
      "resealed repo/kustomize/overlays/prod/sealed-patch.yaml:3 app-config (2 of 2 values)\n",
    );
    expect(patch.status).toBe(0);
    chmodSync(join(root, "readonly/locked.yaml"), 0o644);
    const locked = signet(["reseal", ...OFFLINE, "-n", "prod", "repo", "--exclude", "attic"]);
    expect(locked.stdout).toContain(
      "resealed repo/readonly/locked.yaml:2 readonly/locked (2 of 2 values)\n",
    );
    expect(locked.stdout).toMatch(
      /: 1 resealed, \d+ up to date \(skipped\), 0 failed; 1 file written; 8 skipped/,
    );
    expect(locked.status).toBe(0);
  });

  it("afterwards nothing is stale, by the hint alone or by decryption", () => {
    const hint = signet(["reseal", "--check", "--cert", NEW_CERT, "repo", "--exclude", "attic"]);
    expect(hint.stdout).toMatch(/: 0 stale, \d+ up to date \(skipped\), 0 failed; 8 skipped/);
    expect(hint.status).toBe(0);
    const exact = signet([
      "reseal",
      "--check",
      ...OFFLINE,
      "-n",
      "prod",
      "repo",
      "--exclude",
      "attic",
    ]);
    expect(exact.status).toBe(0);
  });

  it("the real kubeseal opens every value with the new key alone, and only under its own scope", () => {
    for (const o of repo.objects) {
      const found = find(o);
      const what = `${o.file} ${o.name}`;
      expect(kubesealOpen(placed(o, found), NEW_KEY), what).toMatchObject(o.data);
      expect(kubesealOpen(placed(o, found), OLD_KEY), what).toMatch(/no key could decrypt/);
      const elsewhere = kubesealOpen(
        placed(o, found, { name: `${o.name}-x`, namespace: "elsewhere" }),
        NEW_KEY,
      );
      if (o.scope === "cluster-wide") expect(elsewhere, what).toMatchObject(o.data);
      else expect(elsewhere, what).toMatch(/no key could decrypt/);
      if (o.scope === "namespace-wide") {
        const renamed = kubesealOpen(placed(o, found, { name: `${o.name}-x` }), NEW_KEY);
        expect(renamed, what).toMatchObject(o.data);
      }
      if (o.scope === "strict") {
        const renamed = kubesealOpen(placed(o, found, { name: `${o.name}-x` }), NEW_KEY);
        expect(renamed, what).toMatch(/no key could decrypt/);
      }
    }
  });

  it("values already sealed with the new key keep their ciphertexts; every hint names the new key", () => {
    const newFingerprint = /SHA256:\S+/.exec(
      must(signet(["inspect", "--cert", NEW_CERT, "repo/hazards/current-signet.yaml"]), "inspect"),
    )![0];
    for (const o of repo.objects) {
      const now = find(o).object;
      const then = beforeObject(o);
      for (const [item, key] of Object.entries(o.keys)) {
        const same = now.spec!.encryptedData![item] === then.spec!.encryptedData![item];
        expect(same, `${o.file} ${o.name} ${item}`).toBe(key === "new");
      }
      expect(now.metadata.annotations?.["signet.dev/sealed-with"], `${o.file} ${o.name}`).toBe(
        newFingerprint,
      );
    }
  });

  it("every file still parses, and only ciphertexts and key hints changed in it", () => {
    for (const [file, old] of before) {
      const now = read(file);
      if (repo.untouched.includes(file)) {
        expect(now, file).toBe(old);
        continue;
      }
      const budget = repo.objects.filter((o) => o.file === file).length;
      expect(unexplainedChange(old, now, budget), file).toBeUndefined();
      if (file.endsWith(".md")) continue;
      expect(() => objectsOf(file), file).not.toThrow();
    }
    expect(read("lists/list.json")).toContain(
      '123456789012345678901234567890, "ratio": 0.50, "exp": 1E+2',
    );
  });

  it("symbolic links stay links, a linked file outside the repository was written (named as a PATH) through its real path, modes are kept", () => {
    for (const [link, target] of Object.entries(repo.links)) {
      expect(lstatSync(join(root, link)).isSymbolicLink(), link).toBe(true);
      expect(readlinkSync(join(root, link)), link).toBe(target);
    }
    expect(read("links/external.yaml")).toBe(read("../shared/external.yaml"));
    expect(read("../shared/external.yaml")).toContain("signet.dev/sealed-with");
    for (const [file, mode] of Object.entries(repo.modes)) {
      expect(statSync(join(root, file)).mode & 0o777, file).toBe(mode);
    }
  });

  it("inspect --cert confirms every hint and prints only skip notes on stderr", () => {
    const result = signet([
      "inspect",
      "--cert",
      NEW_CERT,
      "-o",
      "json",
      "repo",
      "--exclude",
      "attic",
    ]);
    expect(result.status).toBe(0);
    expect(lines(result.stderr).sort()).toEqual(EXPECTED_SKIPS);
    const reports = JSON.parse(result.stdout) as { hintMatchesCert: boolean; file: string }[];
    expect(reports).toHaveLength(repo.objects.length);
    for (const r of reports) expect(r.hintMatchesCert, r.file).toBe(true);
  });
});

/** The object as the repository held it before any reseal. */
function beforeObject(o: FixtureObject): SealedJson {
  const hit = objectsIn(before.get(o.file)!).find((x) => x.object.metadata.name === o.name);
  if (!hit) throw new Error(`${o.file}: no SealedSecret ${o.name} before`);
  return hit.object;
}
