import { readFileSync } from "node:fs";

import { run } from "../../run.js";
import { memoryIo } from "../../test-support/memory-io.js";
import type { MemoryIo } from "../../test-support/memory-io.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../../../test/fixtures/keys/${name}`, import.meta.url), "utf8");

/** Test-only key material: "new" is the current key, "old" an earlier one. */
export const KEYS = {
  "new-cert.pem": fixture("test-only-sealing-cert.pem"),
  "new-key.pem": fixture("test-only-sealing-key.pem"),
  "old-cert.pem": fixture("test-only-other-cert.pem"),
  "old-key.pem": fixture("test-only-other-key.pem"),
};

export interface Result {
  code: number;
  out: string;
  err: string;
}

/** Runs `signet argv` in-process; returns only what this call printed. */
export async function signet(argv: string[], io: MemoryIo): Promise<Result> {
  const [out0, err0] = [io.stdout().length, io.stderr().length];
  const code = await run(argv, io);
  return { code, out: io.stdout().slice(out0), err: io.stderr().slice(err0) };
}

export function ioWith(files: Record<string, string> = {}, stdin = ""): MemoryIo {
  return memoryIo({ files: { ...KEYS, ...files }, stdin });
}

/** A Secret manifest as JSON text. */
export function secretJson(
  name: string,
  data: Record<string, string>,
  extra: { namespace?: string; annotations?: Record<string, string> } = {},
): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name,
      namespace: extra.namespace ?? "apps",
      ...(extra.annotations && { annotations: extra.annotations }),
    },
    stringData: data,
  });
}

/** Seals a Secret with signet (top level) and the given certificate; returns the output text. */
export async function sealWith(cert: string, secret: string, format = "yaml"): Promise<string> {
  const io = ioWith({}, secret);
  const result = await signet(["--cert", cert, "-o", format], io);
  if (result.code !== 0) throw new Error(result.err);
  return result.out;
}

/** Opens a SealedSecret text with the given key; returns decoded data, or the error. */
export async function open(
  text: string,
  key = "new-key.pem",
): Promise<Record<string, string> | string> {
  const io = ioWith({}, text);
  const result = await signet(["--recovery-unseal", "--recovery-private-key", key], io);
  if (result.code !== 0) return result.err;
  const secret = JSON.parse(result.out) as { data: Record<string, string | null> };
  return Object.fromEntries(
    Object.entries(secret.data).map(([k, v]) => [k, Buffer.from(v ?? "", "base64").toString()]),
  );
}
