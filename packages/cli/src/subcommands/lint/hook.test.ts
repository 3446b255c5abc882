import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { sealWith, secretJson } from "../test-support/fixtures.js";

// The repository's pre-commit hook and example CI workflow, run as pre-commit and a GitHub
// runner would run them, with the built CLI (`npm run build`) as the `signet` on PATH.
const ROOT = fileURLToPath(new URL("../../../../../", import.meta.url));
const BIN = join(ROOT, "packages/cli/bin/signet.cjs");
const CERT = join(ROOT, "test/fixtures/keys/test-only-sealing-cert.pem");

interface Hook {
  id: string;
  entry: string;
  language: string;
  files: string;
  require_serial?: boolean;
}

const hooks = parse(readFileSync(join(ROOT, ".pre-commit-hooks.yaml"), "utf8")) as Hook[];
const hook = hooks.find((h) => h.id === "signet-lint")!;

let dir: string;
let shims: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "signet-lint-hook-"));
  shims = join(dir, "bin");
  mkdirSync(shims);
  // `language: system`: the hook runs whatever `signet` is on PATH; here, the built CLI.
  writeFileSync(join(shims, "signet"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(shims, "signet"), 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = (): NodeJS.ProcessEnv => ({
  PATH: `${shims}:${process.env.PATH ?? ""}`,
  HOME: dir,
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@example.invalid",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@example.invalid",
});

/** A git repository with `files` committed. */
function gitRepo(name: string, files: Record<string, string>): string {
  const repo = join(dir, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    // A name ending `u.yaml` is written as UTF-16LE (with the byte-order mark of the text).
    writeFileSync(join(repo, path), text, path.endsWith("u.yaml") ? "utf16le" : "utf8");
  }
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, env: env() });
  git("init", "-q");
  git("add", ".");
  git("commit", "-qm", "fixture");
  return repo;
}

/**
 * The real pre-commit (https://pre-commit.com), from the venv .ci/run installs under
 * ~/.cache/signet/pre-commit (`python3 -m venv DIR && DIR/bin/pip install pre-commit`); when it
 * is absent the hook is run by {@link imitateHook}, and the test names say which.
 */
const PRE_COMMIT = join(
  process.env.SIGNET_CACHE ?? join(homedir(), ".cache/signet"),
  "pre-commit/bin/pre-commit",
);
const REAL = existsSync(PRE_COMMIT);

/**
 * `pre-commit run signet-lint --all-files` in `repo`: the real pre-commit with the hook's
 * definition as a local hook (pre-commit applies its `files` pattern and runs its entry), or
 * its imitation.
 */
function runHook(repo: string): { status: number | null; stdout: string } {
  if (!REAL) return imitateHook(repo);
  const local = [{ repo: "local", hooks: [hook] }];
  writeFileSync(join(repo, ".pre-commit-config.yaml"), JSON.stringify({ repos: local }));
  const run = spawnSync(PRE_COMMIT, ["run", "signet-lint", "--all-files", "--verbose"], {
    cwd: repo,
    env: { ...env(), PRE_COMMIT_HOME: join(dir, "pre-commit-home") },
    encoding: "utf8",
  });
  return { status: run.status, stdout: run.stdout };
}

/** The hook's `files` pattern; pre-commit's Python `(?i)` prefix made the `i` flag. */
function filesPattern(): RegExp {
  const insensitive = hook.files.startsWith("(?i)");
  return new RegExp(insensitive ? hook.files.slice(4) : hook.files, insensitive ? "i" : "");
}

/**
 * An imitation of `pre-commit run --all-files` (when pre-commit is not installed): the committed
 * files matching the hook's `files` pattern, given to its entry (split on blanks, run without
 * a shell) in one process.
 */
function imitateHook(repo: string): { status: number | null; stdout: string } {
  const tracked = execFileSync("git", ["ls-files"], { cwd: repo, encoding: "utf8" })
    .split("\n")
    .filter((f) => f !== "" && filesPattern().test(f));
  const [command, ...args] = hook.entry.split(/\s+/);
  const run = spawnSync(command!, [...args, ...tracked], {
    cwd: repo,
    env: env(),
    encoding: "utf8",
  });
  return { status: run.status, stdout: run.stdout };
}

const PLAINTEXT =
  "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: apps\nstringData:\n  password: hunter2\n";

const runner = REAL ? "real pre-commit" : "pre-commit NOT installed: imitated";
describe(`the signet-lint pre-commit hook (${runner})`, { timeout: 120_000 }, () => {
  it("runs the system's signet on all matching files at once", () => {
    expect(hook).toMatchObject({ entry: "signet lint", language: "system", require_serial: true });
  });

  it.each([
    [
      "fails on a committed plaintext Secret",
      { "apps/db.yaml": PLAINTEXT, "README.md": "x" },
      1,
      /apps\/db\.yaml:6: error: .*\[plaintext-secret\]/,
    ],
    [
      "fails on one inside a JSON List",
      {
        "apps/all.json": JSON.stringify({
          kind: "List",
          apiVersion: "v1",
          items: [JSON.parse(secretJson("x", { a: "b" }))],
        }),
      },
      1,
      /apps\/all\.json:1: error: .*\[plaintext-secret\]/,
    ],
    [
      "fails on a Secret in a file with an upper-case extension",
      { "apps/DB.YAML": PLAINTEXT },
      1,
      /apps\/DB\.YAML:6: error: .*\[plaintext-secret\]/,
    ],
    [
      "fails on a UTF-16 manifest (never passed over as binary)",
      { "apps/u.yaml": `\uFEFF${PLAINTEXT}` },
      1,
      /apps\/u\.yaml:1: error: .*\[unreadable-encoding\]/,
    ],
    [
      "passes on a clean repository",
      { "apps/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n" },
      0,
      /1 file, 1 object checked: 0 errors, 0 warnings/,
    ],
  ])("%s", (name, files, status, output) => {
    const repo = gitRepo(name.replace(/\W+/g, "-"), files);
    const run = runHook(repo);
    expect(run.stdout).toMatch(output);
    expect(run.status).toBe(status);
    expect(run.stdout).not.toContain("hunter2");
  });
});

describe("the example GitHub Actions workflow", { timeout: 60_000 }, () => {
  const workflow = parse(
    readFileSync(join(ROOT, "examples/ci/github-actions-lint.yaml"), "utf8"),
  ) as { jobs: { lint: { steps: { run?: string }[] } } };
  const lintSteps = workflow.jobs.lint.steps
    .map((s) => s.run ?? "")
    .filter((r) => r.startsWith("signet lint"));

  it("lints twice: annotations for the pull request and SARIF for code scanning", () => {
    expect(lintSteps).toHaveLength(2);
  });

  it("its lint steps pass on a clean repository and fail on a plaintext Secret", async () => {
    const sealed = await sealWith("new-cert.pem", secretJson("db", { password: "s3cret" }));
    const certs = { "certs/prod.pem": readFileSync(CERT, "utf8") };
    const clean = gitRepo("wf-clean", { ...certs, "apps/db.yaml": sealed });
    const dirty = gitRepo("wf-dirty", {
      ...certs,
      "apps/db.yaml": sealed,
      "apps/plain.yaml": PLAINTEXT,
    });
    const step = (repo: string, script: string) =>
      spawnSync("bash", ["-e", "-c", script], { cwd: repo, env: env(), encoding: "utf8" });
    expect(lintSteps.map((s) => step(clean, s).status)).toEqual([0, 0]);
    const annotations = step(dirty, lintSteps[0]!);
    expect(annotations.status).toBe(1);
    expect(annotations.stdout).toMatch(
      /^::error file=apps\/plain\.yaml,line=6,title=signet lint plaintext-secret::/m,
    );
    expect(step(dirty, lintSteps[1]!).status).toBe(0); // `|| true`: the upload step still runs
    const sarif = JSON.parse(readFileSync(join(dirty, "signet-lint.sarif"), "utf8")) as {
      runs: { results: { ruleId: string }[] }[];
    };
    expect(sarif.runs[0]!.results.map((r) => r.ruleId)).toEqual(["plaintext-secret"]);
  });
});
