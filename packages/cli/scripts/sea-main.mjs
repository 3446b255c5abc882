// Entry of the single-file executable (scripts/package.mjs), run once at build time by
// `node --build-sea` to make a V8 start-up snapshot: everything the CLI loads up front is already
// evaluated in the snapshot, and each run only deserializes it and calls main(). A run is exactly
// `bin/signet.cjs`: run(argv, nodeIo) and the exit code, handed to exitWith here only.
//
// At build time, before the snapshot is taken, the offline seal path runs once against an in-memory
// Io (a throw-away certificate from SIGNET_SEA_WARMUP_CERT, nothing written anywhere) so its
// functions are compiled, and the built-in modules a run needs for its standard streams (net for
// pipes and terminals, the fs streams for files) are loaded. Nothing from that run is reachable
// afterwards: the CLI keeps no module-level state, and randomness (session keys, temporary file
// names) comes from node:crypto at run time.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { startupSnapshot } from "node:v8";

import { exitWith, nodeIo, processOutput } from "../dist/node-io.js";
import { run } from "../dist/run.js";
import { VERSION } from "../dist/version.js";

function main() {
  const out = processOutput();
  void run(process.argv.slice(2), nodeIo(VERSION, out)).then((code) => exitWith(out, code));
}

const WARMUP_SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: warm-up
  namespace: build
type: Opaque
data:
  password: ${Buffer.from("not-a-secret").toString("base64")}
stringData:
  user: build
`;

/** An Io that serves one certificate and stdin from memory and keeps nothing it is given. */
function warmupIo(cert) {
  const errors = [];
  const missing = (path) =>
    Promise.reject(Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" }));
  return {
    errors,
    readStdin: () => Promise.resolve(Buffer.from(WARMUP_SECRET)),
    stdinIsTTY: false,
    stderrIsTTY: false,
    stdoutIsTTY: false,
    writeStdout: () => undefined,
    writeStderr: (text) => void errors.push(text),
    readFile: (path) => (path === "cert.pem" ? Promise.resolve(cert) : missing(path)),
    writeFileAtomic: () => Promise.resolve(),
    pathKind: (path) => Promise.resolve(path === "cert.pem" ? "file" : "missing"),
    readDirectory: () => Promise.resolve([]),
    fetchUrl: () => Promise.reject(new Error("no network at build time")),
    env: {},
    homeDir: "/nonexistent",
    now: () => new Date(),
    random: randomBytes,
    program: "signet",
    version: VERSION,
  };
}

async function warmUp(certFile) {
  const cert = readFileSync(certFile);
  for (const format of ["json", "yaml"]) {
    const io = warmupIo(cert);
    const code = await run(["--cert", "cert.pem", "-o", format], io);
    if (code !== 0) throw new Error(`warm-up seal failed (${code}): ${io.errors.join("")}`);
  }
}

if (startupSnapshot.isBuildingSnapshot()) {
  for (const id of ["node:net", "node:tty"]) process.getBuiltinModule(id);
  void process.getBuiltinModule("node:fs").ReadStream;
  const cert = process.env.SIGNET_SEA_WARMUP_CERT;
  if (!cert)
    throw new Error("sea-main: SIGNET_SEA_WARMUP_CERT must name a certificate at build time");
  // The snapshot is taken when the builder's event loop is empty, after this chain settles; a
  // failed warm-up rejects and fails the build.
  void warmUp(cert).then(() => startupSnapshot.setDeserializeMainFunction(main));
} else {
  main();
}
