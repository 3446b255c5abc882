import { beforeAll, describe, expect, it } from "vitest";

import { encryptionLabel, hybridDecryptWith, hybridEncrypt, wrappedKeyLength } from "@signet/core";
import type { SealingScope } from "@signet/core";

import { sealingTestKey, subtle } from "../test-support/keys.js";
import type { WebTestKey } from "../test-support/keys.js";
import { hybridEncryptWeb } from "./webcrypto-seal.js";

// The page's WebCrypto sealing against core's node:crypto implementation of the same format.

let k: WebTestKey;
beforeAll(async () => {
  k = await sealingTestKey();
});

const fixedKey = (byte: number) => (size: number) => new Uint8Array(size).fill(byte);
const label = (ns: string, name: string, scope: SealingScope): Uint8Array<ArrayBuffer> =>
  new Uint8Array(encryptionLabel(ns, name, scope));

describe("WebCrypto sealing", () => {
  it.each([
    ["strict", "shop", "api"],
    ["namespace-wide", "shop", "api"],
    ["cluster-wide", "", ""],
  ] as const)("seals a value that core opens with the %s label", async (scope, ns, name) => {
    const plaintext = new TextEncoder().encode("s3cr3t-ä\n");
    const blob = await hybridEncryptWeb(subtle, k.sealer.key, plaintext, {
      label: label(ns, name, scope),
      random: k.sealer.random,
    });
    const opened = hybridDecryptWith(k.key.privateKey, blob, label(ns, name, scope));
    expect(opened?.toString("utf8")).toBe("s3cr3t-ä\n");
  });

  it.each([
    ["strict, another name", "strict", ["shop", "api"], ["shop", "web"]],
    ["strict, another namespace", "strict", ["shop", "api"], ["bank", "api"]],
    ["namespace-wide, another namespace", "namespace-wide", ["shop", "api"], ["bank", "api"]],
    ["cluster-wide read as strict", "cluster-wide", ["shop", "api"], ["shop", "api"]],
  ] as const)("does not open under a different label (%s)", async (_, scope, at, other) => {
    const blob = await hybridEncryptWeb(subtle, k.sealer.key, new Uint8Array([1, 2, 3]), {
      label: label(at[0], at[1], scope),
      random: k.sealer.random,
    });
    const otherScope = scope === "cluster-wide" ? "strict" : scope;
    expect(hybridDecryptWith(k.key.privateKey, blob, label(other[0], other[1], otherScope))).toBe(
      undefined,
    );
  });

  it("lays the bytes out exactly as core does: length prefix, RSA block, AES-GCM with the same key", async () => {
    const plaintext = new Uint8Array(300).map((_, i) => (i * 7) % 256);
    const web = await hybridEncryptWeb(subtle, k.sealer.key, plaintext, {
      label: label("shop", "api", "strict"),
      random: fixedKey(0x42),
    });
    const node = hybridEncrypt(
      k.certificate.publicKey,
      plaintext,
      label("shop", "api", "strict"),
      fixedKey(0x42),
    );
    expect(wrappedKeyLength(web)).toBe(512);
    expect(web.length).toBe(node.length);
    expect(web.length).toBe(2 + 512 + plaintext.length + 16);
    expect(Buffer.from(web.subarray(0, 2))).toEqual(node.subarray(0, 2));
    // RSA-OAEP is randomised; the AES-256-GCM part under the same session key is deterministic.
    expect(Buffer.from(web.subarray(514))).toEqual(node.subarray(514));
  });

  it("seals binary values and the empty value unchanged", async () => {
    for (const plaintext of [new Uint8Array(0), new Uint8Array(256).map((_, i) => i)]) {
      const blob = await hybridEncryptWeb(subtle, k.sealer.key, plaintext, {
        label: new Uint8Array(0),
        random: k.sealer.random,
      });
      expect(hybridDecryptWith(k.key.privateKey, blob, new Uint8Array(0))).toEqual(
        Buffer.from(plaintext),
      );
    }
  });

  it("uses a fresh session key per value and wipes it after use", async () => {
    const handed: Uint8Array[] = [];
    const random = (size: number): Uint8Array<ArrayBuffer> => {
      const bytes = globalThis.crypto.getRandomValues(new Uint8Array(size));
      handed.push(bytes);
      return bytes;
    };
    const one = await hybridEncryptWeb(subtle, k.sealer.key, new Uint8Array([9]), {
      label: new Uint8Array(0),
      random,
    });
    const two = await hybridEncryptWeb(subtle, k.sealer.key, new Uint8Array([9]), {
      label: new Uint8Array(0),
      random,
    });
    expect(handed).toHaveLength(2);
    expect(handed.every((key) => key.every((b) => b === 0))).toBe(true);
    expect(Buffer.from(one.subarray(514))).not.toEqual(Buffer.from(two.subarray(514)));
  });

  it("refuses a random source that returns the wrong size", async () => {
    await expect(
      hybridEncryptWeb(subtle, k.sealer.key, new Uint8Array([1]), {
        label: new Uint8Array(0),
        random: (size) => new Uint8Array(size - 1),
      }),
    ).rejects.toThrow(TypeError);
  });
});
