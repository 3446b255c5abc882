import { describe, expect, it } from "vitest";

import { EXIT_FAILED, EXIT_LINT_WARNINGS, EXIT_OK, EXIT_USAGE } from "../../exit.js";
import { memoryIo } from "../../test-support/memory-io.js";
import { ioWith, KEYS, sealWith, secretJson, signet } from "../test-support/fixtures.js";

/** A SealedSecret `apps/NAME` sealed by signet for the test's "new" (or given) certificate. */
const sealed = (name: string, cert = "new-cert.pem"): Promise<string> =>
  sealWith(cert, secretJson(name, { password: "s3cret" }));

/** `file:line severity rule` of each finding in a text report (the summary line left out). */
function findings(out: string): string[] {
  return out
    .split("\n")
    .filter((l) => / (error|warning): /.test(l))
    .map((l) => {
      const m = /^(.*?):(\d+): (error|warning): .*\[([\w-]+)\]/.exec(l)!;
      return `${m[1]}:${m[2]} ${m[3]} ${m[4]}`;
    });
}

/**
 * The fixture repository: YAML with comments and several documents, a JSON List, a JSON stream,
 * broken SealedSecrets, a kubeseal-style object without a hint and a clean directory.
 */
async function fixtureRepo(): Promise<Record<string, string>> {
  const good = await sealed("db");
  const goodJson = await sealWith("new-cert.pem", secretJson("api", { token: "t" }), "json");
  const value = /password: (\S+)/.exec(good)![1]!;
  const kubesealStyle = good.replace(/^ {4}signet\.dev\/sealed-with: .*\n/m, "");
  return {
    "repo/apps/secrets.yaml": [
      "# apps: settings and a Secret that must not be here",
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata:",
      "  name: settings",
      "data:",
      "  mode: fast",
      "---",
      "apiVersion: v1 # the mistake",
      "kind: Secret",
      "metadata:",
      "  name: db",
      "  namespace: apps",
      "stringData:", // line 14
      "  password: hunter2",
      "---",
      good,
    ].join("\n"),
    "repo/apps/list.json": JSON.stringify(
      {
        apiVersion: "v1",
        kind: "List",
        items: [
          { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "b" } },
          { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, data: { k: "dg==" } },
        ],
      },
      null,
      2,
    ),
    "repo/apps/stream.json": `${goodJson}\n{"apiVersion":"v1","kind":"Secret","metadata":{"name":"empty"}}\n`,
    "repo/broken/sealed.yaml": [
      "apiVersion: bitnami.com/v1alpha1",
      "kind: SealedSecret",
      "metadata:",
      "  name: broken",
      "  annotations:",
      '    sealedsecrets.bitnami.com/cluster-wide: "true"',
      '    sealedsecrets.bitnami.com/namespace-wide: "true"', // line 7
      "spec:",
      "  encryptedData:",
      '    notbase64: "***"', // line 10
      "    short: AgAB", // line 11
      `    fine: ${value}`,
      "---",
      "apiVersion: bitnami.com/v1alpha1",
      "kind: SealedSecret",
      "metadata:", // line 16
      "  name: nowhere",
      "spec:",
      "  encryptedData: {}", // line 19
      "  template:",
      "    immutable: maybe", // line 21
      "",
    ].join("\n"),
    "repo/kubeseal/db.yaml": kubesealStyle,
    "repo/clean/db.yaml": good,
    "repo/clean/README.txt": "kind: Secret (not a manifest: not walked)",
  };
}

/** Fixtures are sealed once per file (sealing with RSA-4096 takes a while). */
const repo = fixtureRepo();

describe("signet lint reports each problem with its file, line and rule", () => {
  it.each([
    [
      "the whole repository, no certificates: plaintext Secrets and malformed SealedSecrets",
      ["repo"],
      [
        "repo/apps/list.json:21 error plaintext-secret",
        "repo/apps/secrets.yaml:14 error plaintext-secret",
        "repo/broken/sealed.yaml:21 error sealed-secret-schema",
        "repo/broken/sealed.yaml:10 error invalid-base64",
        "repo/broken/sealed.yaml:11 error ciphertext-too-short",
        "repo/broken/sealed.yaml:7 error conflicting-scope",
        "repo/broken/sealed.yaml:19 error empty-encrypted-data",
        "repo/broken/sealed.yaml:16 warning missing-namespace",
      ],
      EXIT_FAILED,
    ],
    [
      "a clean directory sealed for the allowed certificate",
      ["--cert", "new-cert.pem", "repo/clean"],
      [],
      EXIT_OK,
    ],
    [
      "mismatch: the same directory when only another certificate is allowed",
      ["--cert", "old-cert.pem", "repo/clean"],
      ["repo/clean/db.yaml:6 error unknown-certificate"],
      EXIT_FAILED,
    ],
    [
      "a SealedSecret without a hint (kubeseal's output) is a warning when certificates are given",
      ["--cert", "new-cert.pem", "repo/kubeseal"],
      ["repo/kubeseal/db.yaml:4 warning missing-hint"],
      EXIT_OK,
    ],
    [
      "--strict turns warnings into exit 3",
      ["--strict", "--cert", "new-cert.pem", "repo/kubeseal"],
      ["repo/kubeseal/db.yaml:4 warning missing-hint"],
      EXIT_LINT_WARNINGS,
    ],
    [
      "a value sealed for an allowed certificate that is not the newest is stale",
      ["--cert", "new-cert.pem", "--cert", "old-cert.pem", "repo/clean"],
      ["repo/clean/db.yaml:6 warning stale-value"],
      EXIT_OK,
    ],
  ])("%s", async (_, args, expected, code) => {
    const io = ioWith(await repo);
    const r = await signet(["lint", ...args], io);
    expect(findings(r.out).sort()).toEqual([...expected].sort());
    expect(r.code).toBe(code);
  });

  it("names the file and line of a plaintext Secret in the message and the summary counts", async () => {
    const r = await signet(["lint", "repo/apps"], ioWith(await repo));
    expect(r.out).toContain(
      "repo/apps/secrets.yaml:14: error: plaintext Secret: stringData holds 1 value(s) (seal it; never commit the Secret) [plaintext-secret] (Secret apps/db, stringData)\n",
    );
    expect(r.out).toMatch(/\n3 files, 7 objects checked: 2 errors, 0 warnings\n$/);
    expect(r.out).not.toContain("hunter2");
  });
});

describe("signet lint judges certificates by their expiry", () => {
  it.each([
    ["far from expiry", "2030-01-01T00:00:00Z", []],
    [
      "expiring within 30 days",
      "2036-11-01T00:00:00Z",
      ["repo/clean/db.yaml:6 warning certificate-expiring"],
    ],
    ["expired", "2037-01-01T00:00:00Z", ["repo/clean/db.yaml:6 error certificate-expiring"]],
  ])("a SealedSecret for a certificate %s", async (_, now, expected) => {
    const io = memoryIo({ files: { ...KEYS, ...(await repo) }, now: new Date(now) });
    const r = await signet(["lint", "--cert", "new-cert.pem", "repo/clean"], io);
    expect(findings(r.out)).toEqual(expected);
  });

  it("--cert-expiry-days widens the window", async () => {
    const io = memoryIo({
      files: { ...KEYS, ...(await repo) },
      now: new Date("2036-06-01T00:00:00Z"),
    });
    const args = ["lint", "--cert", "new-cert.pem", "--cert-expiry-days", "365", "repo/clean"];
    expect(findings((await signet(args, io)).out)).toEqual([
      "repo/clean/db.yaml:6 warning certificate-expiring",
    ]);
  });
});

describe("signet lint reads .signet-lint.yaml", () => {
  const plain = (annotations = ""): string =>
    `apiVersion: v1\nkind: Secret\nmetadata:\n  name: t\n${annotations}stringData:\n  a: b\n`;
  const empty = (annotations = ""): string =>
    `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: t\n  namespace: apps\n${annotations}spec:\n  encryptedData: {}\n`;
  const suppressedLine = /^(\d+) findings? suppressed \(by config\/annotation\)$/m;
  it.each([
    ["no config: reported", {}, plain(), ["f/s.yaml:5 error plaintext-secret"], 0],
    [
      "a rule turned off: listed as suppressed",
      { ".signet-lint.yaml": "rules:\n  empty-encrypted-data: off\n" },
      empty(),
      [],
      1,
    ],
    [
      "a rule made a warning",
      { ".signet-lint.yaml": "rules:\n  empty-encrypted-data: warning\n" },
      empty(),
      ["f/s.yaml:7 warning empty-encrypted-data"],
      0,
    ],
    [
      "a path ignored with a reason: listed as suppressed",
      {
        ".signet-lint.yaml":
          "ignore:\n  - path: 'f/**'\n    reason: test fixtures of the e2e suite\n",
      },
      empty(),
      [],
      1,
    ],
    [
      "mismatch: a path ignore of all rules never covers plaintext-secret",
      {
        ".signet-lint.yaml":
          "ignore:\n  - path: '**'\n    reason: test fixtures of the e2e suite\n",
      },
      plain(),
      ["f/s.yaml:5 error plaintext-secret"],
      0,
    ],
    [
      "a path ignore for another rule",
      {
        ".signet-lint.yaml":
          "ignore:\n  - path: 'f/**'\n    rules: [missing-hint]\n    reason: kubeseal era objects\n",
      },
      plain(),
      ["f/s.yaml:5 error plaintext-secret"],
      0,
    ],
    [
      "an annotation ignore with a reason: listed as suppressed",
      {},
      plain("  annotations:\n    signet.dev/lint-ignore: plaintext-secret dummy value for tests\n"),
      [],
      1,
    ],
    [
      "mismatch: an annotation ignore without a reason ignores nothing and is reported",
      {},
      plain("  annotations:\n    signet.dev/lint-ignore: plaintext-secret\n"),
      ["f/s.yaml:6 error invalid-lint-ignore", "f/s.yaml:7 error plaintext-secret"],
      0,
    ],
    [
      "mismatch: an annotation ignore with a one-word reason ignores nothing",
      {},
      plain("  annotations:\n    signet.dev/lint-ignore: plaintext-secret .\n"),
      ["f/s.yaml:6 error invalid-lint-ignore", "f/s.yaml:7 error plaintext-secret"],
      0,
    ],
    [
      "mismatch: an annotation ignore naming an unknown rule ignores nothing",
      {},
      plain(
        "  annotations:\n    signet.dev/lint-ignore: plaintext-secret,bogus reason enough words\n",
      ),
      ["f/s.yaml:6 error invalid-lint-ignore", "f/s.yaml:7 error plaintext-secret"],
      0,
    ],
  ])("%s", async (...row) => {
    const [, config, text, expected, suppressed] = row;
    const io = ioWith({ ...config, "f/s.yaml": text });
    const r = await signet(["lint", "f"], io);
    expect(findings(r.out)).toEqual(expected);
    expect(Number(suppressedLine.exec(r.out)?.[1] ?? 0)).toBe(suppressed);
    expect(r.code).toBe(expected.some((f) => f.includes(" error ")) ? EXIT_FAILED : EXIT_OK);
  });

  it.each([
    ["an unknown field", "rulez: {}\n", "unknown field rulez"],
    ["an unknown rule", "rules:\n  nope: off\n", "rules: unknown rule nope"],
    [
      "a bad severity",
      "rules:\n  missing-hint: fatal\n",
      "rules.missing-hint: must be off, error or warning",
    ],
    ["an ignore without reason", "ignore:\n  - path: x\n", "ignore[0].reason is required"],
    [
      "an ignore with a one-character reason",
      "ignore:\n  - path: x\n    reason: .\n",
      "ignore[0].reason: a reason must say why",
    ],
    [
      "plaintext-secret turned off",
      "rules:\n  plaintext-secret: off\n",
      "rules.plaintext-secret: cannot be changed by the config",
    ],
    [
      "plaintext-secret made a warning",
      "rules:\n  plaintext-secret: warning\n",
      "rules.plaintext-secret: cannot be changed by the config",
    ],
    [
      "parse-error turned off",
      "rules:\n  parse-error: off\n",
      "rules.parse-error: cannot be changed by the config",
    ],
    [
      "plaintext-secret ignored by path",
      "ignore:\n  - path: '**'\n    rules: [plaintext-secret]\n    reason: all fixtures are dummies\n",
      "ignore[0].rules: plaintext-secret cannot be ignored by path",
    ],
    [
      "invalid-lint-ignore ignored by path",
      "ignore:\n  - path: '**'\n    rules: [invalid-lint-ignore]\n    reason: all fixtures are dummies\n",
      "ignore[0].rules: invalid-lint-ignore cannot be ignored by path",
    ],
  ])("refuses a config with %s (exit 2)", async (_, config, message) => {
    const r = await signet(
      ["lint", "--config", "c.yaml", "f"],
      ioWith({ "c.yaml": config, "f/a.yaml": "" }),
    );
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err).toContain(`error: c.yaml: ${message}`);
  });
});

describe("signet lint usage", () => {
  it.each([
    ["no PATH", [], "signet lint needs at least one PATH"],
    ["an unknown format", ["--format", "xml", "f"], "xml"],
  ])("refuses %s with exit 2", async (_, args, message) => {
    const r = await signet(["lint", ...args], ioWith({ "f/a.yaml": "" }));
    expect(r.code).toBe(EXIT_USAGE);
    expect(r.err).toContain(message);
  });

  it("reports a file that cannot be parsed as a finding on its line", async () => {
    const io = ioWith({ "f/bad.yaml": "kind: Secret\nmetadata:\n  name: [\n" });
    const r = await signet(["lint", "f"], io);
    expect(findings(r.out)).toEqual([
      expect.stringMatching(/^f\/bad\.yaml:\d+ error parse-error$/),
    ]);
    expect(r.code).toBe(EXIT_FAILED);
  });
});

describe("signet lint on a large repository", () => {
  it("checks 1,000 files in one process within a few seconds", async () => {
    const good = await sealed("db");
    const files: Record<string, string> = {};
    for (let i = 0; i < 1000; i++) {
      const kind = i % 4;
      files[`big/app-${Math.floor(i / 50)}/f${i}.yaml`] =
        kind === 0
          ? good
          : kind === 1
            ? `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  a: b\n`
            : kind === 2
              ? `${good}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s${i}\n`
              : `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s${i}\n  namespace: a\n`;
    }
    const started = performance.now();
    const r = await signet(["lint", "--cert", "new-cert.pem", "big"], ioWith(files));
    const seconds = (performance.now() - started) / 1000;
    expect(r.out).toBe("1000 files, 1250 objects checked: 0 errors, 0 warnings\n");
    expect(r.code).toBe(EXIT_OK);
    // A budget against per-file process spawning or quadratic work, not a speed claim: about
    // 1 s on an idle 2-core machine.
    expect(seconds).toBeLessThan(20);
  });
});

describe("signet lint with named recipients (--cert NAME=SOURCE --recipient-path)", () => {
  const args = [
    "lint",
    "--cert",
    "prod=new-cert.pem",
    "--cert",
    "staging=old-cert.pem",
    "--recipient-path",
    "clusters/{name}/",
    "clusters",
  ];
  it.each([
    ["sealed for the recipient of its directory", ["prod", "new-cert.pem", ""], []],
    [
      "mismatch: sealed for another recipient",
      ["staging", "new-cert.pem", ""],
      ["clusters/staging/db.yaml:6 error wrong-recipient"],
    ],
    [
      "annotated for another recipient",
      ["prod", "new-cert.pem", "    signet.dev/recipient: staging\n"],
      ["clusters/prod/db.yaml:6 error wrong-recipient"],
    ],
  ])("%s", async (_, [dir, cert, annotation], expected) => {
    const text = (await sealed("db", cert)).replace(
      /^( {4}signet\.dev\/sealed-with: .*\n)/m,
      `${annotation}$1`,
    );
    const r = await signet(args, ioWith({ [`clusters/${dir}/db.yaml`]: text }));
    // Two allowed certificates: the one not issued last is also reported stale.
    expect(findings(r.out).filter((f) => !f.endsWith("stale-value"))).toEqual(expected);
  });
});

describe("signet lint judges signet.dev/expires-at (value expiry)", () => {
  // The memory io's clock: 2026-06-01T00:00:00Z.
  const withExpiry = async (value: string): Promise<string> =>
    (await sealed("db")).replace(
      "  annotations:\n",
      `  annotations:\n    signet.dev/expires-at: "${value}"\n`,
    );
  const lintOne = async (file: string, args: string[] = [], extra: Record<string, string> = {}) =>
    signet(["lint", ...args, "db.yaml"], ioWith({ "db.yaml": file, ...extra }));

  it.each([
    ["far from expiry", "2026-12-01T00:00:00Z", [], EXIT_OK],
    ["15 days out (mismatch case)", "2026-06-16T00:00:00Z", [], EXIT_OK],
    [
      "within the 14-day window",
      "2026-06-10T00:00:00Z",
      ["db.yaml:6 warning expiring-soon"],
      EXIT_OK,
    ],
    [
      "exactly at the window's start",
      "2026-06-15T00:00:00Z",
      ["db.yaml:6 warning expiring-soon"],
      EXIT_OK,
    ],
    [
      "expired (a reminder: a warning)",
      "2026-05-01T00:00:00Z",
      ["db.yaml:6 warning expired"],
      EXIT_OK,
    ],
    ["exactly now", "2026-06-01T00:00:00Z", ["db.yaml:6 warning expired"], EXIT_OK],
    ["malformed", "next year", ["db.yaml:6 error invalid-expires-at"], EXIT_FAILED],
    [
      "before 1970 as an instant",
      "1970-01-01T00:00:00+01:00",
      ["db.yaml:6 error invalid-expires-at"],
      EXIT_FAILED,
    ],
  ])("a SealedSecret %s (%s)", async (_, value, expected, code) => {
    const r = await lintOne(await withExpiry(value));
    expect(findings(r.out)).toEqual(expected);
    expect(r.code).toBe(code);
  });

  it("says what to do and when, in absolute and relative time", async () => {
    const r = await lintOne(await withExpiry("2026-05-29T00:00:00Z"));
    expect(r.out).toContain(
      "values past their expiry 2026-05-29T00:00:00Z (expired 3 days ago): rotate them",
    );
    expect(r.out).toContain("(SealedSecret apps/db, metadata.annotations.signet.dev/expires-at)");
  });

  it("--expiry-warning-days and the config's expiryWarningDays set the window (the flag wins)", async () => {
    const file = await withExpiry("2026-06-25T00:00:00Z");
    expect(findings((await lintOne(file)).out)).toEqual([]);
    expect(findings((await lintOne(file, ["--expiry-warning-days", "30"])).out)).toEqual([
      "db.yaml:6 warning expiring-soon",
    ]);
    const config = { ".signet-lint.yaml": "expiryWarningDays: 30\n" };
    expect(findings((await lintOne(file, [], config)).out)).toEqual([
      "db.yaml:6 warning expiring-soon",
    ]);
    expect(findings((await lintOne(file, ["--expiry-warning-days", "7"], config)).out)).toEqual([]);
  });

  it("an expired value is an error when the config says so", async () => {
    const config = { ".signet-lint.yaml": "rules:\n  expired: error\n" };
    const r = await lintOne(await withExpiry("2026-05-01T00:00:00Z"), [], config);
    expect(findings(r.out)).toEqual(["db.yaml:6 error expired"]);
    expect(r.code).toBe(EXIT_FAILED);
  });

  it("reports the annotation misplaced in spec.template (it only reaches the Secret)", async () => {
    const file = (await sealed("db")).replace(
      /( {4}metadata:\n)/,
      '$1      annotations:\n        signet.dev/expires-at: "2027-01-01T00:00:00Z"\n',
    );
    expect(file).toContain("        signet.dev/expires-at");
    const r = await lintOne(file);
    expect(r.out).toContain("in spec.template only reaches the Secret");
    expect(findings(r.out).map((f) => f.replace(/:\d+ /, " "))).toEqual([
      "db.yaml error invalid-expires-at",
    ]);
  });

  it.each([[["--expiry-warning-days", "-1"], "--expiry-warning-days must not be negative"]])(
    "refuses %j",
    async (args, message) => {
      const r = await lintOne(await sealed("db"), args);
      expect(r.code).toBe(EXIT_USAGE);
      expect(r.err).toContain(message);
    },
  );
});
