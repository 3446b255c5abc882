import type { SealedSecret, Secret } from "../model.js";
import { RawJson } from "./go-unmarshal.js";
import type { TypedObject } from "./go-unmarshal.js";
import { base64Of } from "./utf8.js";

/**
 * Decoded Go values (see go-unmarshal.ts) as Signet's model objects: `[]byte` as standard
 * base64 (a nil value as ""), int64 as a number (a bigint beyond 2^53), maps as ordinary
 * objects (own properties, so a `__proto__` key stays a key), FieldsV1 as its JSON values.
 */
function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return base64Of(value);
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  // FieldsV1 and RawExtension: their JSON as plain values (model objects are cloned and printed).
  if (value instanceof RawJson) return JSON.parse(value.text) as unknown;
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object") {
    if (Object.getPrototypeOf(value) === null) return adopted(value as Record<string, unknown>);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const item = plain((value as Record<string, unknown>)[key]);
      // Assigning `__proto__` would set the prototype; every other key is an own data property
      // either way, and assignment is several times cheaper than defineProperty.
      if (key === "__proto__") {
        Object.defineProperty(out, key, {
          value: item,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else out[key] = item;
    }
    return out;
  }
  return value;
}

/**
 * A decoded Go map (a prototype-less object, see go-unmarshal.ts) made a model object in place:
 * its values converted, its prototype set. Copying a map of 88,000 keys would hold two for a
 * while; the decoded value is not used again. An own `__proto__` key stays an own data property.
 */
function adopted(map: Record<string, unknown>): Record<string, unknown> {
  for (const key of Object.keys(map)) {
    const item = map[key];
    const converted = plain(item);
    if (converted !== item) map[key] = converted;
  }
  return Object.setPrototypeOf(map, Object.prototype) as Record<string, unknown>;
}

/** Decoded Go values as plain data (`[]byte` as base64, maps as own properties). */
export function plainGoValue(value: unknown): unknown {
  return plain(value);
}

/** A decoded v1.Secret as the model's Secret; nil `[]byte` values (`key: null`) read as empty. */
export function secretFromGo(value: TypedObject): Secret {
  const secret = plain(value) as Secret;
  const data = secret.data as Record<string, string | null> | null | undefined;
  if (data) for (const key of Object.keys(data)) if (data[key] === null) data[key] = "";
  return secret;
}

/** A decoded v1alpha1.SealedSecret as the model's SealedSecret (nil maps as empty). */
export function sealedSecretFromGo(value: TypedObject): SealedSecret {
  const ss = plain(value) as Partial<SealedSecret>;
  const spec = (ss.spec ?? {}) as SealedSecret["spec"];
  if (spec.encryptedData === undefined || spec.encryptedData === null) {
    spec.encryptedData = {};
  }
  return { ...ss, metadata: ss.metadata ?? {}, spec };
}
