import { SCALARS } from "./generator.js";
import type { Random } from "./generator.js";

/**
 * Values Signet writes, for the encoder half of the differential test: objects shaped like the
 * SealedSecrets and Secrets kubeseal prints, whose keys and strings are drawn from the YAML 1.1
 * scalar forms (every one of them a string here), mutated (spaces, indicators, line breaks,
 * control and non-BMP characters, long words for folding, long keys), plus some numbers,
 * booleans and nulls in places that hold them.
 */
export type Written = null | boolean | number | string | Written[] | { [key: string]: Written };

const PIECES = [
  " ",
  "  ",
  ": ",
  " #",
  "#",
  "\n",
  "\r\n",
  "\t",
  "\u0085",
  "\u2028",
  "\ufeff",
  "\u0000",
  "\u001b",
  "\ud83d\ude00",
  "\ufffe",
  "-",
  "?",
  "'",
  '"',
  "\\",
  ",",
  "[",
  "}",
  "&a",
  "*a",
  "!",
  "%",
  "@",
  "`",
  "|",
  ">",
];

export function writtenString(r: Random): string {
  const base = r.pick(SCALARS);
  const roll = r.next();
  if (roll < 0.5) return base;
  if (roll < 0.6) return `${r.pick(PIECES)}${base}`;
  if (roll < 0.7) return `${base}${r.pick(PIECES)}`;
  if (roll < 0.8) return `${base}${r.pick(PIECES)}${r.pick(SCALARS)}`;
  if (roll < 0.87) {
    const words: string[] = [];
    for (let i = 0, n = 5 + r.int(40); i < n; i++) words.push(r.pick(["ab", "word", "x", base]));
    return words.join(r.pick([" ", " ", "  ", "\n"]));
  }
  if (roll < 0.9) return base.repeat(2 + r.int(60));
  if (roll < 0.95) return `${base}\n${r.pick(SCALARS)}${r.pick(["", "\n", "\n\n", " \n"])}`;
  return r.pick(PIECES) + r.pick(PIECES);
}

function stringMap(r: Random, n: number): Record<string, Written> {
  const out: Record<string, Written> = {};
  for (let i = 0; i < n; i++) out[writtenString(r)] = writtenString(r);
  return out;
}

function scalar(r: Random): Written {
  const roll = r.next();
  if (roll < 0.7) return writtenString(r);
  if (roll < 0.78) return r.chance(0.5);
  if (roll < 0.84) return null;
  if (roll < 0.95) return r.pick([0, 1, -1, 42, 2 ** 31, 2 ** 53 - 1, -(2 ** 40)]);
  return r.pick([0.5, 1.25, -3.75, 1e-7, 123456.5]);
}

function anything(r: Random, depth: number): Written {
  if (depth > 3 || r.chance(0.5)) return scalar(r);
  if (r.chance(0.4)) return Array.from({ length: r.int(4) }, () => anything(r, depth + 1));
  const out: Record<string, Written> = {};
  for (let i = 0, n = r.int(4); i < n; i++) out[writtenString(r)] = anything(r, depth + 1);
  return out;
}

/** An object as kubeseal prints a SealedSecret (or a Secret with --recovery-unseal). */
export function writtenObject(r: Random): Written {
  const metadata: Record<string, Written> = {
    name: writtenString(r),
    namespace: writtenString(r),
    creationTimestamp: null,
  };
  if (r.chance(0.6)) metadata["annotations"] = stringMap(r, 1 + r.int(4));
  if (r.chance(0.4)) metadata["labels"] = stringMap(r, 1 + r.int(3));
  if (r.chance(0.5)) {
    return {
      apiVersion: "v1",
      kind: "Secret",
      metadata,
      data: stringMap(r, r.int(4)),
      type: writtenString(r),
    };
  }
  const template: Record<string, Written> = { metadata: { ...metadata } };
  if (r.chance(0.5)) template["type"] = writtenString(r);
  if (r.chance(0.4)) template["data"] = stringMap(r, 1 + r.int(3));
  if (r.chance(0.2)) template["immutable"] = r.chance(0.5);
  const spec: Record<string, Written> = { encryptedData: stringMap(r, r.int(5)), template };
  if (r.chance(0.2)) spec["extra"] = anything(r, 0);
  return { kind: "SealedSecret", apiVersion: "bitnami.com/v1alpha1", metadata, spec };
}
