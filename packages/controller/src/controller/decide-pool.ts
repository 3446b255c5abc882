import { randomBytes, webcrypto } from "node:crypto";
import type { KeyObject } from "node:crypto";

import {
  isSignetError,
  openSealedValues,
  openSealedValuesSync,
  renderTemplates,
  rsaBudget,
} from "@signet/core";
import type {
  OpenedValues,
  OpenOptions,
  RsaUnwrap,
  SealedSecret,
  Secret,
  TemplateRenderer,
  UnsealingKey,
} from "@signet/core";

import type { Clock } from "../ports/clock.js";
import { FairScheduler } from "../queue/fair-scheduler.js";
import { decide } from "../reconcile/decide.js";
import type { Decision } from "../reconcile/decide.js";
import type { KeyGuard } from "../reconcile/key-guard.js";

/**
 * Where unsealing's work runs. Its RSA private-key operations (4–9 ms each for RSA-4096, the
 * bulk of the controller's CPU) are asynchronous WebCrypto calls, which node:crypto runs on
 * libuv's thread pool: the main thread stays free for `/healthz`, the API and the watches, and
 * no extra V8 isolate (a worker thread) costs memory. An {@link RsaPool} schedules them fairly
 * across namespaces and API clients. The rest of `decide` (AES-GCM, templates under their time
 * budget, building the Secret) is short and runs on the main thread.
 */
export interface DecideSettings {
  acceptDeprecatedV1Data: boolean;
  allowPrivilegedSecretTypes: boolean;
  /** Render `spec.template.data` with core's engine (false: objects using it fail clearly). */
  renderTemplates: boolean;
  /** The controller's namespace and key prefix: no Secret it writes may look like a key. */
  keyGuard: KeyGuard;
  /** `--allow-data-dependent-templates` (docs/templates.md); absent means false. */
  allowDataDependentTemplates?: boolean;
}

export interface KeySource {
  /** Every registered key, most recent first. */
  keys(): readonly UnsealingKey[];
}

export interface Decider {
  decide(
    ss: SealedSecret,
    existing: Secret | undefined,
    preferred: readonly string[],
  ): Promise<Decision>;
  close(): Promise<void>;
}

/**
 * Longest one object's templates may render on the main thread (core's default is 1 s): health
 * probes and other objects wait at most this long behind a hostile template.
 */
export const TEMPLATE_MAX_MILLIS = 250;

/**
 * Core's sandboxed Go text/template + sprig engine with the clock's time and real randomness.
 * Sealed values are opaque to template control flow unless the flag allows data-dependent
 * templates, and failures are anonymous either way: their messages reach status, events and logs,
 * so they name no template key (and, when values may decide, carry no execution detail at all).
 */
export function templateRenderer(
  clock: Pick<Clock, "now">,
  settings: Pick<DecideSettings, "allowDataDependentTemplates">,
): TemplateRenderer {
  return (templates, values) =>
    renderTemplates(templates, values, {
      now: clock.now,
      random: randomBytes,
      budget: { maxMillis: TEMPLATE_MAX_MILLIS },
      allowDataDependent: settings.allowDataDependentTemplates === true,
      anonymous: true,
    });
}

/** While both wait, reconciles start this many RSA operations for each one of API requests. */
const RECONCILE_WEIGHT = 3;

/** Who spends RSA work: reconciles (per namespace) or API requests (per client). */
export type RsaClass = "api" | "reconcile";

export interface RsaPoolOptions {
  /** RSA operations in flight at once (one per core is enough to use them all). */
  concurrency: number;
  /** Of those, at most this many for API requests while reconciles wait. */
  apiShare: number;
  /** Called for every RSA operation performed (the `signet_rsa_operations_total` metric). */
  onOperation?: (cls: RsaClass) => void;
}

/**
 * RSA-OAEP-SHA256 unwraps on libuv's thread pool (`crypto.subtle.decrypt` with the label),
 * scheduled by a {@link FairScheduler}: reconciles take turns per namespace, API requests per
 * client; while both wait, API requests get one operation in four and hold at most `apiShare`
 * at once, and either may use the whole pool alone.
 */
export class RsaPool {
  readonly #scheduler: FairScheduler<RsaClass>;
  readonly #cryptoKeys = new WeakMap<KeyObject, Promise<webcrypto.CryptoKey>>();
  readonly #onOperation: ((cls: RsaClass) => void) | undefined;
  #operations = 0;

  constructor(options: RsaPoolOptions) {
    this.#onOperation = options.onOperation;
    this.#scheduler = new FairScheduler<RsaClass>({
      concurrency: options.concurrency,
      classes: {
        reconcile: { weight: RECONCILE_WEIGHT },
        api: { weight: 1, share: options.apiShare },
      },
    });
  }

  /** RSA operations performed so far (successful or not). */
  get operations(): number {
    return this.#operations;
  }

  /** Operations waiting for their turn, per class. */
  waiting(cls: RsaClass): number {
    return this.#scheduler.waiting(cls);
  }

  /**
   * Opens the values of `ss` (core's {@link openSealedValues}), each RSA unwrap on the pool as
   * `cls` work of `tenant`. Throws what opening throws (ERR_DEPRECATED_V1, ERR_UNSEAL_BUDGET).
   */
  async open(
    ss: SealedSecret,
    options: OpenOptions,
    cls: RsaClass,
    tenant: string,
  ): Promise<OpenedValues> {
    const steps = openSealedValues(ss, options);
    let step = steps.next();
    while (!step.done) {
      const request = step.value;
      const sessionKey = await this.#scheduler.run(cls, tenant, () => this.#unwrap(request, cls));
      step = steps.next(sessionKey);
    }
    return step.value;
  }

  async #unwrap(
    { key, wrapped, label }: RsaUnwrap,
    cls: RsaClass,
  ): Promise<Uint8Array | undefined> {
    const cryptoKey = await this.#cryptoKey(key.privateKey);
    this.#operations++;
    this.#onOperation?.(cls);
    try {
      const params = { name: "RSA-OAEP", label } as webcrypto.RsaOaepParams;
      return new Uint8Array(await webcrypto.subtle.decrypt(params, cryptoKey, wrapped));
    } catch {
      // OperationError: not this key (or a tampered block). Nothing else is reported, as ever.
      return undefined;
    }
  }

  /** The WebCrypto handle of a private key, imported once per KeyObject. */
  #cryptoKey(key: KeyObject): Promise<webcrypto.CryptoKey> {
    let imported = this.#cryptoKeys.get(key);
    if (!imported) {
      const der = key.export({ format: "der", type: "pkcs8" });
      imported = webcrypto.subtle.importKey(
        "pkcs8",
        der,
        { name: "RSA-OAEP", hash: "SHA-256" },
        false,
        ["decrypt"],
      );
      this.#cryptoKeys.set(key, imported);
    }
    return imported;
  }
}

/** The open options for `ss`: its keys, the preferred order and the per-object RSA budget. */
export function openOptions(
  ss: SealedSecret,
  keys: readonly UnsealingKey[],
  settings: Pick<DecideSettings, "acceptDeprecatedV1Data">,
  preferred: readonly string[],
): OpenOptions {
  const items = Object.keys(ss.spec.encryptedData ?? {}).length || 1;
  return {
    keys,
    preferred,
    acceptDeprecatedV1Data: settings.acceptDeprecatedV1Data,
    maxRsaOperations: rsaBudget(items, keys.length),
  };
}

/**
 * The values as a thunk for core's `opened` option: a failure to open (a SignetError) is thrown
 * again when `decide` asks for them, so it becomes the object's failure there, as ever.
 */
export async function openedAhead(open: () => Promise<OpenedValues>): Promise<() => OpenedValues> {
  try {
    const values = await open();
    return () => values;
  } catch (err) {
    if (!isSignetError(err)) throw err;
    return () => {
      throw err;
    };
  }
}

/** `decide` with its RSA work on an {@link RsaPool}, as reconcile work of the object's namespace. */
export function pooledDecider(
  settings: DecideSettings,
  keys: KeySource,
  pool: RsaPool,
  clock: Pick<Clock, "now">,
): Decider {
  return deciderOver(settings, keys, clock, (ss, options) =>
    pool.open(ss, options, "reconcile", ss.metadata.namespace ?? ""),
  );
}

/** `decide` entirely on the calling thread (tests, and the reference point for the pool). */
export function inThreadDecider(
  settings: DecideSettings,
  keys: KeySource,
  clock: Pick<Clock, "now">,
): Decider {
  return deciderOver(settings, keys, clock, (ss, options) =>
    Promise.resolve().then(() => openSealedValuesSync(ss, options)),
  );
}

/** `decide` over values opened by `open` (with the current keys and the object's RSA budget). */
function deciderOver(
  settings: DecideSettings,
  keys: KeySource,
  clock: Pick<Clock, "now">,
  open: (ss: SealedSecret, options: OpenOptions) => Promise<OpenedValues>,
): Decider {
  const renderer = settings.renderTemplates ? templateRenderer(clock, settings) : undefined;
  return {
    async decide(ss, existing, preferred) {
      const current = keys.keys();
      const options = openOptions(ss, current, settings, preferred);
      const opened = await openedAhead(() => open(ss, options));
      return decide(ss, existing, {
        keys: current,
        preferred,
        acceptDeprecatedV1Data: settings.acceptDeprecatedV1Data,
        allowPrivilegedSecretTypes: settings.allowPrivilegedSecretTypes,
        renderTemplates: renderer,
        keyGuard: settings.keyGuard,
        opened,
      });
    },
    close: () => Promise.resolve(),
  };
}
