import { spawnSync } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  constants,
  chmodSync,
  chownSync,
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { nodeIo, rawPath } from "./node-io.js";
import { run } from "./run.js";

const CERT = readFileSync(
  new URL("../../../test/fixtures/keys/test-only-sealing-cert.pem", import.meta.url),
  "utf8",
);

let dir: string;
let server: ReturnType<typeof createServer>;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "signet-node-io-"));
  server = createServer((req, res) => {
    if (req.url === "/v1/cert.pem") res.writeHead(200).end(CERT);
    else res.writeHead(404).end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe("the real Io", () => {
  it.each([
    ["a file path", () => join(dir, "cert.pem")],
    ["a file:// URL", () => pathToFileURL(join(dir, "cert.pem")).href],
    ["an http:// URL", () => `${base}/v1/cert.pem`],
  ])("reads the same certificate bytes from %s", async (_, where) => {
    writeFileSync(join(dir, "cert.pem"), CERT);
    const io = nodeIo("test");
    const certArg = where();
    const url = certArg.includes("://");
    const bytes = url ? (await io.fetchUrl(certArg)).body : await io.readFile(certArg);
    expect(bytes.toString()).toBe(CERT);
  });

  it("names the requested file, not its temporary sibling, when the directory is missing", async () => {
    const target = join(dir, "no-such-dir", "out.yaml");
    const err = (await nodeIo("test")
      .writeFileAtomic(target, "x")
      .catch((e: unknown) => e)) as Error & { code?: string };
    expect(err.code).toBe("ENOENT");
    expect(err.message).toBe(
      `open ${target}: no such file or directory (cannot create a temporary file in '${join(dir, "no-such-dir")}' to replace it atomically)`,
    );
  });

  it("reports a non-200 certificate URL with its status", async () => {
    const errors: string[] = [];
    const io = { ...nodeIo("test"), writeStderr: (t: string) => void errors.push(t) };
    const code = await run(["--fetch-cert", "--cert", `${base}/missing`], io);
    expect(code).toBe(1);
    expect(errors.join("")).toBe(`error: cannot fetch "${base}/missing": 404 Not Found\n`);
  });

  it("replaces a file atomically, keeping its mode and leaving no temp file", async () => {
    const target = join(dir, "sealed.yaml");
    writeFileSync(target, "old");
    chmodSync(target, 0o640);
    await nodeIo("test").writeFileAtomic(target, "new");
    expect(readFileSync(target, "utf8")).toBe("new");
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("leaves the old file intact and removes its temp file when the write fails", async () => {
    const target = join(dir, "keep.yaml");
    writeFileSync(target, "old");
    // Renaming a file over a directory fails after the temp file was written.
    const blocked = join(dir, "a-directory");
    await import("node:fs/promises").then((fs) => fs.mkdir(blocked));
    await expect(nodeIo("test").writeFileAtomic(blocked, "new")).rejects.toThrow();
    expect(readFileSync(target, "utf8")).toBe("old");
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("writes through a symbolic link: the link stays a link, its target is replaced", async () => {
    mkdirSync(join(dir, "real"), { recursive: true });
    const target = join(dir, "real", "db.yaml");
    writeFileSync(target, "old");
    chmodSync(target, 0o640);
    const link = join(dir, "db-link.yaml");
    symlinkSync("real/db.yaml", link);
    await nodeIo("test").writeFileAtomic(link, "new");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe("real/db.yaml");
    expect(readFileSync(target, "utf8")).toBe("new");
    expect(statSync(target).mode & 0o777).toBe(0o640);
  });

  it("creates the file a dangling link names, through a chain of links", async () => {
    const link1 = join(dir, "chain-1.yaml");
    symlinkSync("chain-2.yaml", link1);
    symlinkSync("created-by-link.yaml", join(dir, "chain-2.yaml"));
    await nodeIo("test").writeFileAtomic(link1, "new", { createMode: 0o600 });
    expect(readFileSync(join(dir, "created-by-link.yaml"), "utf8")).toBe("new");
    expect(statSync(join(dir, "created-by-link.yaml")).mode & 0o777).toBe(0o600);
    expect(lstatSync(link1).isSymbolicLink()).toBe(true);
  });

  it("refuses a symbolic link loop with ELOOP and writes nothing", async () => {
    symlinkSync("loop-b", join(dir, "loop-a"));
    symlinkSync("loop-a", join(dir, "loop-b"));
    await expect(nodeIo("test").writeFileAtomic(join(dir, "loop-a"), "x")).rejects.toMatchObject({
      code: "ELOOP",
    });
  });

  it.each([
    ["read-only", 0o444],
    ["owner read-only, group writable", 0o464],
  ])("refuses to replace a %s file and leaves it as it was", async (_, mode) => {
    const target = join(dir, `ro-${mode.toString(8)}.yaml`);
    writeFileSync(target, "old");
    chmodSync(target, mode);
    await expect(nodeIo("test").writeFileAtomic(target, "new")).rejects.toMatchObject({
      code: "EACCES",
    });
    expect(readFileSync(target, "utf8")).toBe("old");
    expect(statSync(target).mode & 0o777).toBe(mode);
  });

  it.each([
    ["a new file gets createMode", undefined, 0o600, 0o600],
    ["a new file defaults to 0644", undefined, undefined, 0o644],
    ["an existing file keeps its mode over createMode", 0o664, 0o600, 0o664],
  ])("%s", async (_, existing, createMode, expected) => {
    const target = join(dir, `mode-${String(existing)}-${String(createMode)}.yaml`);
    if (existing !== undefined) {
      writeFileSync(target, "old");
      chmodSync(target, existing);
    }
    await nodeIo("test").writeFileAtomic(target, "new", { createMode });
    expect(statSync(target).mode & 0o777).toBe(expected);
  });
});

describe("the real Io, writing to what is not a regular file", () => {
  // A named pipe stands for a device (`-w /dev/null`, `/dev/stdout`): creating one needs no
  // privilege, and a failure here cannot damage the machine's own devices.
  it("writes into a named pipe, through a link, instead of replacing it", async () => {
    const fifo = join(dir, "out.fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const link = join(dir, "fifo-link");
    symlinkSync(fifo, link);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      await nodeIo("test").writeFileAtomic(link, "sealed");
      expect(readFileSync(reader, "utf8")).toBe("sealed");
    } finally {
      closeSync(reader);
    }
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it("writes parts one after the other, as one file", async () => {
    const target = join(dir, "parts.yaml");
    await nodeIo("test").writeFileAtomic(target, ["---\na: 1\n", "---\nb: \u{1F600}\n"]);
    expect(readFileSync(target, "utf8")).toBe("---\na: 1\n---\nb: \u{1F600}\n");
  });

  it("refuses a directory, naming it as Go does", async () => {
    await expect(nodeIo("test").writeFileAtomic(dir, "x")).rejects.toMatchObject({
      code: "EISDIR",
      message: `open ${dir}: is a directory`,
    });
  });

  it("refuses a path through a file (ENOTDIR) and a file its owner may not write, as Go words them", async () => {
    writeFileSync(join(dir, "plain.txt"), "x");
    await expect(
      nodeIo("test").writeFileAtomic(join(dir, "plain.txt", "out.yaml"), "x"),
    ).rejects.toThrow(`open ${join(dir, "plain.txt", "out.yaml")}: not a directory`);
    writeFileSync(join(dir, "read-only.yaml"), "old");
    chmodSync(join(dir, "read-only.yaml"), 0o444);
    await expect(
      nodeIo("test").writeFileAtomic(join(dir, "read-only.yaml"), "new"),
    ).rejects.toThrow(`open ${join(dir, "read-only.yaml")}: permission denied`);
    expect(readFileSync(join(dir, "read-only.yaml"), "utf8")).toBe("old");
  });
});

describe("the real Io, replacing a file", () => {
  it("says the temporary file could not be made when the directory refuses it", async () => {
    // /sys refuses new files, even to root.
    await expect(nodeIo("test").writeFileAtomic("/sys/signet-test.yaml", "x")).rejects.toThrow(
      /^open \/sys\/signet-test.yaml: permission denied \(cannot create a temporary file in '\/sys' to replace it atomically\)$/,
    );
  });

  it("keeps the owner of the file it replaces (another user's, when run as root)", async () => {
    const target = join(dir, "owned.yaml");
    writeFileSync(target, "old");
    const uid = process.getuid?.() === 0 ? 65534 : statSync(target).uid;
    const gid = process.getuid?.() === 0 ? 65534 : statSync(target).gid;
    chownSync(target, uid, gid);
    await nodeIo("test").writeFileAtomic(target, "new");
    expect([statSync(target).uid, statSync(target).gid]).toEqual([uid, gid]);
    expect(readFileSync(target, "utf8")).toBe("new");
  });
});

describe("the real Io, under a umask", () => {
  it.each([
    ["a new file under umask 077 is 0600", 0o077, 0o600],
    ["a new file under umask 027 is 0640", 0o027, 0o640],
  ])("%s", async (_, umask, expected) => {
    const target = join(dir, `umask-${umask.toString(8)}.yaml`);
    const before = process.umask(umask);
    try {
      await nodeIo("test").writeFileAtomic(target, "new");
    } finally {
      process.umask(before);
    }
    expect(statSync(target).mode & 0o777).toBe(expected);
  });
});

describe("the real Io, walking directories", () => {
  it("lists entries by name and reports symbolic links as links, without following them", async () => {
    const root = join(dir, "walk");
    mkdirSync(join(root, "sub"), { recursive: true });
    writeFileSync(join(root, "b.yaml"), "b");
    symlinkSync("b.yaml", join(root, "a-link.yaml"));
    symlinkSync("sub", join(root, "dir-link"));
    symlinkSync("missing", join(root, "dangling"));
    expect(await nodeIo("test").readDirectory(root)).toEqual([
      { name: "a-link.yaml", kind: "symlink" },
      { name: "b.yaml", kind: "file" },
      { name: "dangling", kind: "symlink" },
      { name: "dir-link", kind: "symlink" },
      { name: "sub", kind: "directory" },
    ]);
  });

  it("pathKind follows links, reports a dangling one as missing and rejects a loop with ELOOP", async () => {
    const io = nodeIo("test");
    const root = join(dir, "walk");
    expect(await io.pathKind(join(root, "a-link.yaml"))).toBe("file");
    expect(await io.pathKind(join(root, "dir-link"))).toBe("directory");
    expect(await io.pathKind(join(root, "dangling"))).toBe("missing");
    symlinkSync("self", join(root, "self"));
    await expect(io.pathKind(join(root, "self"))).rejects.toMatchObject({ code: "ELOOP" });
  });

  it("realPath resolves every link along a path", async () => {
    const io = nodeIo("test");
    const root = join(dir, "walk");
    expect(await io.realPath(join(root, "dir-link"))).toBe(await io.realPath(join(root, "sub")));
    expect(await io.realPath(join(root, "a-link.yaml"))).toBe(
      await io.realPath(join(root, "b.yaml")),
    );
  });
});

describe("a path given as bytes that are not UTF-8", () => {
  const args = [Buffer.from("--cert=c\xe9.pem", "latin1"), Buffer.from("d\xe9j\xe0", "latin1")];
  const cases: [string, string, string | Buffer][] = [
    ["is found after a flag's =", "c\ufffd.pem", Buffer.from("c\xe9.pem", "latin1")],
    ["is found as a whole argument", "d\ufffdj\ufffd", Buffer.from("d\xe9j\xe0", "latin1")],
    [
      "stays text when no argument gives it (a name joined to a directory)",
      "x/c\ufffd.pem",
      "x/c\ufffd.pem",
    ],
    ["stays text when it is UTF-8", "caf\u00e9.pem", "caf\u00e9.pem"],
  ];
  it.each(cases)("%s", (_, path, expected) => {
    expect(rawPath(path, () => args)).toEqual(expected);
  });

  it("reads no raw arguments or environment for a path that is UTF-8", () => {
    let reads = 0;
    expect(rawPath("caf\u00e9.pem", () => (reads++, []))).toBe("caf\u00e9.pem");
    expect(reads).toBe(0);
  });

  it("stays text when the arguments are unknown", () => {
    expect(rawPath("c\ufffd.pem", () => undefined)).toBe("c\ufffd.pem");
  });

  it("is found in an environment value (SEALED_SECRETS_CERT=PATH)", () => {
    const env = [Buffer.from("SEALED_SECRETS_CERT=e\xe8.pem", "latin1")];
    expect(rawPath("e\ufffd.pem", () => env)).toEqual(Buffer.from("e\xe8.pem", "latin1"));
  });

  it.each([
    [
      "two arguments",
      [
        Buffer.from("--from-file=k1=p\xe9", "latin1"),
        Buffer.from("--from-file=k2=p\xe8", "latin1"),
      ],
    ],
    [
      "an argument and an environment value",
      [
        Buffer.from("--from-file=p\xe9", "latin1"),
        Buffer.from("SEALED_SECRETS_CERT=p\xe8", "latin1"),
      ],
    ],
    [
      "bytes that are not UTF-8 and a name holding U+FFFD itself",
      [Buffer.from("p\xe9", "latin1"), Buffer.from("p\ufffd", "utf8")],
    ],
  ])("is refused, not guessed, when %s read as the same text", (_, sources) => {
    expect(() => rawPath("p\ufffd", () => sources)).toThrow(
      "the path is not valid UTF-8 (U+FFFD marks the bytes), and 2 different arguments or environment values read as it: signet cannot tell which file is meant; rename the files",
    );
  });

  it("is found in a comma-separated list (--recovery-private-key A,B)", () => {
    const args = [Buffer.from("k\xe9.pem,other.pem", "latin1")];
    expect(rawPath("k\ufffd.pem", () => args)).toEqual(Buffer.from("k\xe9.pem", "latin1"));
  });

  it("is the same file when one argument gives it twice", () => {
    const args = [
      Buffer.from("-f", "latin1"),
      Buffer.from("p\xe9", "latin1"),
      Buffer.from("--x=p\xe9", "latin1"),
    ];
    expect(rawPath("p\ufffd", () => args)).toEqual(Buffer.from("p\xe9", "latin1"));
  });
});

// The built binary (CI builds before testing), so stdin and stdout are a real file and real pipes.
describe("the real Io's standard streams", { timeout: 60_000 }, () => {
  const BIN = fileURLToPath(new URL("../bin/signet.cjs", import.meta.url));
  // Several read chunks' worth: a value well over 64 KiB.
  const big = Buffer.alloc(200_000, "s").toString("base64");
  const secret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: big\n  namespace: ns\ndata:\n  a: ${big}\n  b: dmFsdWU=\n`;
  const seal = (stdin: "pipe" | number, input?: string) =>
    spawnSync(process.execPath, [BIN, "--cert", join(dir, "cert.pem"), "-o", "yaml"], {
      stdio: [stdin, "pipe", "pipe"],
      input,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
  // Each value's ciphertext length: at least the value's own base64 length when it was read whole.
  const sealed = (out: string) =>
    [...out.matchAll(/^ {4}([ab]): (\S+)$/gm)].map((m) => [m[1], m[2]!.length]);

  it("reads files whose names are not UTF-8 and refuses to write one, naming it", () => {
    writeFileSync(join(dir, "cert.pem"), CERT);
    // Latin-1 names (0xe9, é), made and passed by bash: Node.js cannot pass such bytes itself.
    const q = (p: string) => `'${p.replace(/'/g, "'\\''")}'`;
    const latin1 = (name: string) => `"${dir}/$(printf '${name}')"`;
    const script = [
      `cp ${q(join(dir, "cert.pem"))} ${latin1("caf\\351.pem")}`,
      `printf 'v' > ${latin1("val\\351")}`,
      `${q(process.execPath)} ${q(BIN)} --cert ${latin1("caf\\351.pem")} --name s --namespace ns --from-file=k=${latin1("val\\351")} -o yaml`,
      `${q(process.execPath)} ${q(BIN)} --cert ${q(join(dir, "cert.pem"))} --from-literal a=b --name s --namespace ns -w ${latin1("out\\351.yaml")}`,
    ].join(" && ");
    const res = spawnSync("bash", ["-c", script], { encoding: "utf8" });
    expect(res.stdout).toMatch(/^ {4}k: Ag/m);
    expect(res.stderr).toBe(
      `error: ${dir}/out\ufffd.yaml: the path is not valid UTF-8 (U+FFFD marks the bytes); signet reads a file named so but does not write to one: rename it\n`,
    );
    expect(res.status).toBe(1);
    expect(readdirSync(dir).filter((name) => name.startsWith("out\ufffd"))).toEqual([]);
  });

  it("refuses two files whose names differ only in bytes that are not UTF-8, sealing nothing", () => {
    writeFileSync(join(dir, "cert.pem"), CERT);
    const q = (p: string) => `'${p.replace(/'/g, "'\\''")}'`;
    const named = (octal: string) => `"${dir}/$(printf 'p\\${octal}')"`;
    const script = [
      `printf 'E9' > ${named("351")}`,
      `printf 'E8' > ${named("350")}`,
      `${q(process.execPath)} ${q(BIN)} --cert ${q(join(dir, "cert.pem"))} --name s --namespace ns --from-file=k1=${named("351")} --from-file=k2=${named("350")}`,
    ].join(" && ");
    const res = spawnSync("bash", ["-c", script], { encoding: "utf8" });
    expect(res.stdout).toBe("");
    expect(res.stderr).toContain(
      "2 different arguments or environment values read as it: signet cannot tell which file is meant",
    );
    expect(res.status).toBe(1);
  });

  it("writes bytes as they are (--fetch-cert prints the certificate file it was given)", () => {
    writeFileSync(join(dir, "cert.pem"), CERT);
    const res = spawnSync(
      process.execPath,
      [BIN, "--fetch-cert", "--cert", join(dir, "cert.pem")],
      {
        encoding: "utf8",
      },
    );
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
    expect(res.stdout).toBe(CERT);
  });

  it("writes text of one- to four-byte characters unchanged to a file and to a pipe that fills", () => {
    writeFileSync(join(dir, "cert.pem"), CERT);
    // 300,000 UTF-16 units in one value: several pieces of output, each encoded into one
    // reused buffer; the pipe's reader starts late, so the pipe fills between pieces.
    const note = "a\u00e9\u20ac\u{1F600}".repeat(60_000);
    const secret = JSON.stringify({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s", namespace: "ns", annotations: { note } },
      data: { a: "eA==" },
    });
    writeFileSync(join(dir, "note.json"), secret);
    const q = (p: string) => `'${p.replace(/'/g, "'\\''")}'`;
    const signet = `${q(process.execPath)} ${q(BIN)} --cert ${q(join(dir, "cert.pem"))} < ${q(join(dir, "note.json"))}`;
    const script = `${signet} > ${q(join(dir, "note.out"))} && ${signet} | (sleep 1; cat)`;
    const res = spawnSync("bash", ["-c", script], { encoding: "utf8", maxBuffer: 1 << 26 });
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
    const expected = `"note": ${JSON.stringify(note)}`;
    expect(readFileSync(join(dir, "note.out"), "utf8")).toContain(expected);
    expect(res.stdout).toContain(expected);
    // The two runs differ only in their ciphertexts, which have the same length.
    expect(res.stdout.length).toBe(readFileSync(join(dir, "note.out"), "utf8").length);
  });

  it("inspects a SealedSecret given as a process substitution (`signet inspect <(cmd)`)", () => {
    writeFileSync(join(dir, "cert.pem"), CERT);
    writeFileSync(join(dir, "one.yaml"), secret);
    const sealedFile = join(dir, "one.sealed.yaml");
    const fd = openSync(join(dir, "one.yaml"), "r");
    try {
      writeFileSync(sealedFile, seal(fd).stdout);
    } finally {
      closeSync(fd);
    }
    const q = (p: string) => `'${p.replace(/'/g, "'\\''")}'`;
    const script = `${q(process.execPath)} ${q(BIN)} inspect <(cat ${q(sealedFile)})`;
    const res = spawnSync("bash", ["-c", script], { encoding: "utf8" });
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
    expect(res.stdout).toContain("big");
  });

  it("ends quietly with status 141 when its output's reader goes away (`signet ... | head`)", () => {
    writeFileSync(join(dir, "cert.pem"), CERT);
    // Far more output than a pipe buffers, so signet is still writing when head has gone.
    const one =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: ns\nstringData:\n  a: b\n";
    writeFileSync(join(dir, "many.yaml"), Array(400).fill(one).join("---\n"));
    const q = (p: string) => `'${p.replace(/'/g, "'\\''")}'`;
    const script = `${q(process.execPath)} ${q(BIN)} --cert ${q(join(dir, "cert.pem"))} -o yaml < ${q(join(dir, "many.yaml"))} 2> ${q(join(dir, "head.err"))} | head -c 10 > /dev/null; echo "\${PIPESTATUS[0]}"`;
    const res = spawnSync("bash", ["-c", script], { encoding: "utf8" });
    expect(res.stdout.trim()).toBe("141");
    expect(readFileSync(join(dir, "head.err"), "utf8")).toBe("");
  });

  it.each([
    ["a seal", ["--cert", "CERT"]],
    ["--help", ["--help"]],
  ])(
    "fails %s with one error line and status 1 when standard output cannot be written (/dev/full)",
    (_, args) => {
      writeFileSync(join(dir, "cert.pem"), CERT);
      writeFileSync(join(dir, "small.yaml"), secret);
      const argv = args.map((a) => (a === "CERT" ? join(dir, "cert.pem") : a));
      const input = openSync(join(dir, "small.yaml"), "r");
      const full = openSync("/dev/full", "w");
      try {
        const res = spawnSync(process.execPath, [BIN, ...argv], {
          stdio: [input, full, "pipe"],
          encoding: "utf8",
        });
        expect(res.stderr).toBe(
          "error: writing standard output: ENOSPC: no space left on device, write\n",
        );
        expect(res.status).toBe(1);
      } finally {
        closeSync(input);
        closeSync(full);
      }
    },
  );

  it.each(["a pipe", "a file"])("reads a multi-chunk Secret whole from %s", (from) => {
    writeFileSync(join(dir, "cert.pem"), CERT);
    writeFileSync(join(dir, "big.yaml"), secret);
    const fd = from === "a file" ? openSync(join(dir, "big.yaml"), "r") : undefined;
    try {
      const res = seal(fd ?? "pipe", fd === undefined ? secret : undefined);
      expect(res.stderr).toBe("");
      expect(res.status).toBe(0);
      const [a, b] = sealed(res.stdout);
      expect(a?.[0]).toBe("a");
      expect(a?.[1]).toBeGreaterThan(big.length);
      expect(b?.[0]).toBe("b");
      expect(res.stdout).not.toContain(big.slice(0, 64));
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  });
});
