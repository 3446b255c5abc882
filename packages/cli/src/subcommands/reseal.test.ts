import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

import { ioWith, open, sealWith, secretJson, signet } from "./test-support/fixtures.js";

const OFFLINE = ["--cert", "new-cert.pem", "--recovery-private-key", "old-key.pem,new-key.pem"];
const NSWIDE = { "sealedsecrets.bitnami.com/namespace-wide": "true" };

interface Sealed {
  metadata: { annotations: Record<string, string> };
  spec: { encryptedData: Record<string, string> };
}

/** The n-th document of a YAML stream (or the only JSON object), as a SealedSecret. */
function doc(text: string, n = 0): Sealed {
  if (text.trimStart().startsWith("{")) return JSON.parse(text) as Sealed;
  return parseAllDocuments(text)[n]!.toJS() as Sealed;
}

async function repo(): Promise<Record<string, string>> {
  const stale = await sealWith("old-cert.pem", secretJson("db", { password: "hunter2" }));
  const fresh = await sealWith("new-cert.pem", secretJson("api", { token: "t0k" }), "json");
  const body = stale.replace(/^---\n/, "");
  return {
    // Multi-document, mixed kinds, comments and a stale SealedSecret.
    "repo/apps/db.yaml": `# database credentials\n---\napiVersion: v1\nkind: ConfigMap # not sealed\nmetadata:\n  name: cfg\ndata:\n  a: "1"\n---\n# sealed with last year's key\n${body}`,
    // Already sealed with the current key: must stay byte-identical.
    "repo/apps/api.json": fresh,
    "repo/apps/readme.txt": "SealedSecret notes",
    "repo/plain.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
    "repo/node_modules/pkg/ss.yaml": stale,
    "repo/.git/objects/ss.yaml": stale,
  };
}

describe("signet reseal (offline)", () => {
  it("reseals only stale values, keeps comments and other documents, leaves current files alone", async () => {
    const files = await repo();
    const io = ioWith(files);
    const result = await signet(["reseal", ...OFFLINE, "repo"], io);
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.out).toBe(
      "resealed repo/apps/db.yaml:11 apps/db (1 of 1 values)\n" +
        "3 files scanned, 2 SealedSecrets: 1 resealed, 1 up to date (skipped), 0 failed; 1 file written\n",
    );
    const after = io.files.get("repo/apps/db.yaml")!.toString();
    for (const untouched of [
      "repo/apps/api.json",
      "repo/plain.yaml",
      "repo/node_modules/pkg/ss.yaml",
      "repo/.git/objects/ss.yaml",
      "repo/apps/readme.txt",
    ]) {
      expect(io.files.get(untouched)!.toString()).toBe(files[untouched]);
    }
    // Only the ciphertext changed and the hint was added: every other line is as it was.
    const before = files["repo/apps/db.yaml"]!;
    const strip = (t: string): string =>
      t.replace(/^ +password: .*\n/m, "").replace(/^ +signet\.dev\/sealed-with: .*\n/m, "");
    expect(strip(after)).toBe(strip(before));
    expect(after).toContain(
      "# database credentials\n---\napiVersion: v1\nkind: ConfigMap # not sealed\n",
    );
    expect(after).toContain("# sealed with last year's key\n");
    const sealed = after.slice(after.indexOf("# sealed with"));
    expect(await open(sealed, "new-key.pem")).toEqual({ password: "hunter2" });
    expect(await open(sealed, "old-key.pem")).toMatch(/no key could decrypt/);
    const fresh = doc(files["repo/apps/api.json"]!);
    expect(doc(sealed).metadata.annotations["signet.dev/sealed-with"]).toBe(
      fresh.metadata.annotations["signet.dev/sealed-with"],
    );
    // A second run finds nothing to do and writes nothing.
    const again = await signet(["reseal", ...OFFLINE, "repo"], io);
    expect(again.out).toContain("0 resealed, 2 up to date (skipped), 0 failed; 0 files written");
    expect(io.files.get("repo/apps/db.yaml")!.toString()).toBe(after);
  });

  it("never widens a scope: strict and namespace-wide values stay bound to their labels", async () => {
    const strict = await sealWith("old-cert.pem", secretJson("s1", { v: "strict" }));
    const wide = await sealWith(
      "old-cert.pem",
      secretJson("s2", { v: "wide" }, { annotations: NSWIDE }),
    );
    const io = ioWith({ "strict.yaml": strict, "wide.yaml": wide });
    expect((await signet(["reseal", ...OFFLINE, "strict.yaml", "wide.yaml"], io)).code).toBe(0);
    const newStrict = io.files.get("strict.yaml")!.toString();
    const newWide = io.files.get("wide.yaml")!.toString();
    expect(await open(newStrict)).toEqual({ v: "strict" });
    expect(await open(newWide)).toEqual({ v: "wide" });
    expect(doc(newWide).metadata.annotations).toMatchObject(NSWIDE);
    // The strict value is bound to apps/s1: another name does not open it.
    expect(await open(newStrict.replace(/name: s1/g, "name: other"))).toMatch(/no key could/);
    // The namespace-wide value opens under another name but not in another namespace, and never
    // as cluster-wide.
    expect(await open(newWide.replace(/name: s2/g, "name: other"))).toEqual({ v: "wide" });
    expect(await open(newWide.replace(/namespace: apps/g, "namespace: other"))).toMatch(/no key/);
    const clusterWide = newWide.replace(
      "sealedsecrets.bitnami.com/namespace-wide",
      "sealedsecrets.bitnami.com/cluster-wide",
    );
    expect(await open(clusterWide)).toMatch(/no key could/);
  });

  it("re-encrypts only the values not sealed with the current key", async () => {
    const stale = doc(await sealWith("old-cert.pem", secretJson("m", { a: "1" }), "json"));
    const fresh = doc(await sealWith("new-cert.pem", secretJson("m", { b: "2" }), "json"));
    stale.spec.encryptedData.b = fresh.spec.encryptedData.b!;
    const text = `${JSON.stringify(stale, null, 4)}\n`;
    const io = ioWith({ "m.json": text });
    const result = await signet(["reseal", ...OFFLINE, "m.json"], io);
    expect(result.out).toContain("resealed m.json:1 apps/m (1 of 2 values)\n");
    const after = io.files.get("m.json")!.toString();
    const obj = doc(after);
    expect(obj.spec.encryptedData.b).toBe(fresh.spec.encryptedData.b);
    expect(obj.spec.encryptedData.a).not.toBe(stale.spec.encryptedData.a);
    expect(after).toMatch(/^\{\n {4}"kind"/);
    expect(after.endsWith("}\n")).toBe(true);
    expect(await open(after)).toEqual({ a: "1", b: "2" });
  });

  it("fails only the bad SealedSecret and still reseals the others", async () => {
    const good = (await sealWith("old-cert.pem", secretJson("good", { v: "1" }))).replace(
      /^---\n/,
      "",
    );
    const broken = (await sealWith("old-cert.pem", secretJson("bad", { v: "2" })))
      .replace(/^---\n/, "")
      .replace(/v: Ag\S+/, "v: AgBroken");
    const io = ioWith({ "mix.yaml": `${broken}---\n${good}`, "ok.yaml": good });
    const result = await signet(["reseal", ...OFFLINE, "mix.yaml", "ok.yaml"], io);
    expect(result.code).toBe(1);
    expect(result.err).toBe("error: mix.yaml:1: apps/bad: no key could decrypt secret (v)\n");
    expect(result.out).toContain(
      "2 files scanned, 3 SealedSecrets: 2 resealed, 0 up to date (skipped), 1 failed",
    );
    const mix = io.files.get("mix.yaml")!.toString();
    expect(mix).toContain("v: AgBroken");
    expect(await open(mix.split("---\n")[1]!)).toEqual({ v: "1" });
    expect(await open(io.files.get("ok.yaml")!.toString())).toEqual({ v: "1" });
  });

  it("--check writes nothing and exits 3 when something is stale, 0 when nothing is", async () => {
    const files = await repo();
    const io = ioWith(files);
    const check = await signet(["reseal", "--check", ...OFFLINE, "repo"], io);
    expect(check.code).toBe(3);
    expect(check.out).toContain("stale repo/apps/db.yaml:11 apps/db (1 of 1 values)\n");
    expect(io.files.get("repo/apps/db.yaml")!.toString()).toBe(files["repo/apps/db.yaml"]);
    const clean = await signet(["reseal", "--check", ...OFFLINE, "repo/apps/api.json"], io);
    expect(clean.code).toBe(0);
  });

  it("--check by the hint alone needs only the certificate", async () => {
    const files = await repo();
    const io = ioWith(files);
    expect((await signet(["reseal", "--check", "--cert", "new-cert.pem", "repo"], io)).code).toBe(
      3,
    );
    expect(
      (await signet(["reseal", "--check", "--cert", "new-cert.pem", "repo/apps/api.json"], io))
        .code,
    ).toBe(0);
    const refused = await signet(["reseal", "--cert", "new-cert.pem", "repo"], io);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/^error: --cert without --recovery-private-key/);
  });

  it("--dry-run reports and writes nothing", async () => {
    const files = await repo();
    const io = ioWith(files);
    const result = await signet(["reseal", "--dry-run", ...OFFLINE, "repo"], io);
    expect(result.code).toBe(0);
    expect(result.out).toContain("would reseal repo/apps/db.yaml:11 apps/db");
    expect(result.out).toContain("1 to reseal");
    expect(io.files.get("repo/apps/db.yaml")!.toString()).toBe(files["repo/apps/db.yaml"]);
  });

  it("shows a progress line on a terminal only, on stderr", async () => {
    const files = await repo();
    const quiet = ioWith(files);
    expect((await signet(["reseal", "--dry-run", ...OFFLINE, "repo"], quiet)).err).toBe("");
    const { memoryIo } = await import("../test-support/memory-io.js");
    const tty = memoryIo({ files: Object.fromEntries(quiet.files), tty: { stderr: true } });
    const result = await signet(["reseal", "--dry-run", ...OFFLINE, "repo"], tty);
    expect(result.err).toContain("[1/3] repo/apps/api.json");
    expect(result.out).not.toContain("\r");
  });

  it("warns when the keys cannot recognise values already sealed with the certificate", async () => {
    const current = await sealWith("new-cert.pem", secretJson("c", { v: "1" }));
    const io = ioWith({ "c.yaml": current });
    const args = ["reseal", "--cert", "new-cert.pem", "--recovery-private-key", "old-key.pem"];
    const result = await signet([...args, "c.yaml"], io);
    expect(result.err).toMatch(/^warning: no --recovery-private-key holds the key of --cert/);
    expect(result.err).toContain("error: c.yaml:2: apps/c: no key could decrypt secret (v)\n");
    expect(result.code).toBe(1);
    expect(io.files.get("c.yaml")!.toString()).toBe(current);
  });

  it("names a missing path and refuses to run without one", async () => {
    const io = ioWith();
    expect(await signet(["reseal", ...OFFLINE, "nope"], io)).toMatchObject({
      code: 1,
      err: "error: nope: no such file or directory\n",
    });
    expect((await signet(["reseal", ...OFFLINE], io)).code).toBe(2);
  });

  it("prints its help", async () => {
    const result = await signet(["reseal", "--help"], ioWith());
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Usage: signet reseal \[flags\] PATH\.\.\./);
    expect(result.out).toMatch(/--check\s+Write nothing; exit 3/);
  });
});

/** `sealWith` output without Signet's hint: what kubeseal writes. */
const unhinted = (text: string): string =>
  text.replace(/^ {2}annotations:\n {4}signet\.dev\/sealed-with: \S+\n/m, "");

describe("signet reseal on real-world repositories", () => {
  it("gives current values their missing key hint, so a hint-only --check then passes", async () => {
    const current = unhinted(await sealWith("new-cert.pem", secretJson("k", { v: "1" })));
    expect(current).not.toContain("sealed-with");
    const io = ioWith({ "k.yaml": current });
    const before = await signet(["reseal", "--check", "--cert", "new-cert.pem", "k.yaml"], io);
    expect(before.code).toBe(3);
    const check = await signet(["reseal", "--check", ...OFFLINE, "k.yaml"], io);
    expect(check.code).toBe(3);
    expect(check.out).toMatch(
      /^hint missing k\.yaml:2 apps\/k \(values current; key hint SHA256:\S+\)\n/,
    );
    expect(check.out).toContain("0 stale, 1 up to date (skipped), 0 failed; 1 key hints missing\n");
    const result = await signet(["reseal", ...OFFLINE, "k.yaml"], io);
    expect(result.code).toBe(0);
    expect(result.out).toContain(
      "0 resealed, 1 up to date (skipped), 0 failed; 1 file written; 1 key hints added\n",
    );
    const after = io.files.get("k.yaml")!.toString();
    // The ciphertext is untouched: only the hint was added.
    expect(unhinted(after)).toBe(current);
    const hint = await signet(["reseal", "--check", "--cert", "new-cert.pem", "k.yaml"], io);
    expect(hint.code).toBe(0);
    expect((await signet(["reseal", "--check", ...OFFLINE, "k.yaml"], io)).code).toBe(0);
  });

  it("refuses to write a read-only file, keeps it intact and still reseals the others", async () => {
    const stale = await sealWith("old-cert.pem", secretJson("r", { v: "1" }));
    const { memoryIo } = await import("../test-support/memory-io.js");
    const { KEYS } = await import("./test-support/fixtures.js");
    const io = memoryIo({
      files: { ...KEYS, "ro.yaml": stale, "rw.yaml": stale },
      modes: { "ro.yaml": 0o444 },
    });
    const result = await signet(["reseal", ...OFFLINE, "ro.yaml", "rw.yaml"], io);
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      "error: ro.yaml: not written: permission denied (read-only file); its SealedSecrets are unchanged\n",
    );
    expect(result.out).toContain(
      "2 SealedSecrets: 1 resealed, 0 up to date (skipped), 1 failed; 1 file written",
    );
    expect(result.out).toMatch(/^resealed rw\.yaml:2 apps\/r \(1 of 1 values\)\n\d/);
    expect(io.files.get("ro.yaml")!.toString()).toBe(stale);
    expect(await open(io.files.get("rw.yaml")!.toString())).toEqual({ v: "1" });
  });

  it("writes through a symbolic link named on the command line; the link stays a link", async () => {
    const stale = await sealWith("old-cert.pem", secretJson("l", { v: "1" }));
    const { memoryIo } = await import("../test-support/memory-io.js");
    const { KEYS } = await import("./test-support/fixtures.js");
    const io = memoryIo({
      files: { ...KEYS, "real/l.yaml": stale },
      links: { "link.yaml": "real/l.yaml" },
    });
    const result = await signet(["reseal", ...OFFLINE, "link.yaml"], io);
    expect(result.code).toBe(0);
    expect(io.links.get("link.yaml")).toBe("real/l.yaml");
    expect(io.files.has("link.yaml")).toBe(false);
    expect(await open(io.files.get("real/l.yaml")!.toString())).toEqual({ v: "1" });
  });

  it("never rewrites a file outside a walked directory through a symbolic link in it (reported as skipped)", async () => {
    const stale = await sealWith("old-cert.pem", secretJson("l", { v: "1" }));
    const { memoryIo } = await import("../test-support/memory-io.js");
    const { KEYS } = await import("./test-support/fixtures.js");
    const io = memoryIo({
      files: { ...KEYS, "repo/in.yaml": stale, "outside/o.yaml": stale },
      links: { "repo/out.yaml": "../outside/o.yaml" },
    });
    const result = await signet(["reseal", ...OFFLINE, "repo"], io);
    expect(result.code).toBe(0);
    expect(result.err).toContain("skipped repo/out.yaml: symbolic link out of repo, not followed");
    expect(io.files.get("outside/o.yaml")!.toString()).toBe(stale);
    expect(io.files.get("repo/in.yaml")!.toString()).not.toBe(stale);
  });

  it.each([
    ["strict", {}],
    ["namespace-wide", NSWIDE],
  ])(
    "asks for -n for a %s SealedSecret without a namespace, and applies it without changing the file's metadata",
    async (scope, annotations) => {
      const sealed = await sealWith(
        "old-cert.pem",
        secretJson("p", { v: "1" }, { namespace: "prod", annotations }),
      );
      const patch = sealed
        .replace(/^ {2}namespace: prod\n/gm, "")
        .replace(/^ {6}namespace: prod\n/gm, "");
      expect(patch).not.toContain("namespace: prod");
      const io = ioWith({ "patch.yaml": patch });
      const refused = await signet(["reseal", ...OFFLINE, "patch.yaml"], io);
      expect(refused.code).toBe(1);
      expect(refused.err).toBe(
        `error: patch.yaml:2: p: no metadata.namespace: a ${scope} SealedSecret is bound to the namespace it was sealed for (kustomize sets it when building); give it with -n NAMESPACE (the file is not changed)\n`,
      );
      expect(io.files.get("patch.yaml")!.toString()).toBe(patch);
      const wrong = await signet(["reseal", ...OFFLINE, "-n", "staging", "patch.yaml"], io);
      expect(wrong.err).toContain("error: patch.yaml:2: p: no key could decrypt secret (v)\n");
      const applied = await signet(["reseal", ...OFFLINE, "-n", "prod", "patch.yaml"], io);
      expect(applied.code).toBe(0);
      const after = io.files.get("patch.yaml")!.toString();
      expect(after).not.toContain("namespace:");
      const placed = after.replace(/^ {2}name: p\n/m, "  name: p\n  namespace: prod\n");
      expect(await open(placed)).toEqual({ v: "1" });
    },
  );

  it("needs no namespace for a cluster-wide SealedSecret", async () => {
    const sealed = await sealWith(
      "old-cert.pem",
      secretJson(
        "c",
        { v: "1" },
        { annotations: { "sealedsecrets.bitnami.com/cluster-wide": "true" } },
      ),
    );
    const io = ioWith({ "c.yaml": sealed.replace(/^ +namespace: apps\n/gm, "") });
    expect((await signet(["reseal", ...OFFLINE, "c.yaml"], io)).code).toBe(0);
    expect(await open(io.files.get("c.yaml")!.toString())).toEqual({ v: "1" });
  });

  it("skips and reports Go templates (Helm charts, templated objects) without failing", async () => {
    const stale = await sealWith("old-cert.pem", secretJson("s", { v: "1" }));
    const io = ioWith({
      "repo/chart/Chart.yaml": "apiVersion: v2\nname: c\n",
      "repo/chart/templates/ss.yaml": `{{- if .Values.on }}\n${stale}{{- end }}\n`,
      "repo/helmfile/ss.yaml": `{{- if .Values.on }}\n${stale}{{- end }}\n`,
      "repo/apps/named.yaml": stale.replace(
        "name: s\n  namespace: apps",
        'name: "{{ .Release.Name }}"\n  namespace: apps',
      ),
      "repo/apps/s.yaml": stale,
    });
    const result = await signet(["reseal", ...OFFLINE, "repo"], io);
    expect(result.code).toBe(0);
    expect(result.err).toBe(
      "skipped repo/chart/templates: Helm chart templates (1 file, not rendered)\n" +
        "skipped repo/apps/named.yaml:2 apps/{{ .Release.Name }}: holds Go template actions (not rendered)\n" +
        "skipped repo/helmfile/ss.yaml:1: Go template (not rendered)\n",
    );
    expect(result.out).toContain(
      "1 resealed, 0 up to date (skipped), 0 failed; 1 file written; 3 skipped (see stderr)\n",
    );
    expect(io.files.get("repo/helmfile/ss.yaml")!.toString()).toContain("{{- if .Values.on }}");
  });

  it("refuses a file with a duplicated key, naming file and line, on every run (never a reseal loop)", async () => {
    const stale = await sealWith("old-cert.pem", secretJson("d", { v: "1" }));
    const fresh = await sealWith("new-cert.pem", secretJson("d", { v: "2" }));
    const freshData = /encryptedData:\n(.*\n)/.exec(fresh)![1]!;
    const doubled = stale.replace(/(encryptedData:\n.*\n)/, `$1  encryptedData:\n${freshData}`);
    const io = ioWith({ "d.yaml": doubled });
    for (let run = 0; run < 2; run++) {
      const result = await signet(["reseal", ...OFFLINE, "d.yaml"], io);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(
        /^error: d\.yaml:\d+:3: duplicate key "encryptedData" \(first at line \d+\): Go's decoders would silently keep one of them, so the file is refused; remove one\n$/,
      );
      expect(io.files.get("d.yaml")!.toString()).toBe(doubled);
    }
  });

  it("--exclude leaves paths out of the walk", async () => {
    const stale = await sealWith("old-cert.pem", secretJson("e", { v: "1" }));
    const io = ioWith({
      "repo/a/e.yaml": stale,
      "repo/old/e.yaml": stale,
      "repo/b/e.tmpl.yaml": stale,
    });
    const result = await signet(
      ["reseal", "--check", ...OFFLINE, "--exclude", "old", "--exclude", "*.tmpl.yaml", "repo"],
      io,
    );
    expect(result.out).toBe(
      "stale repo/a/e.yaml:2 apps/e (1 of 1 values)\n1 file scanned, 1 SealedSecret: 1 stale, 0 up to date (skipped), 0 failed\n",
    );
  });
});
