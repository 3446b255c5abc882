import { keyHint, parseRecoveryKeys, parseSealingCertificate, SignetError } from "@signet/core";
import type { SealedSecret, UnsealingKey } from "@signet/core";

import { readCertificate } from "../cert-source.js";
import { connectCluster } from "../cluster/entry.js";
import { readFileOrFail } from "../files.js";
import type { Io } from "../io.js";
import type { CliOptions } from "../options.js";
import { NAME_PLACEHOLDER, RECIPIENT_ANNOTATION, recipientOf } from "../recipients.js";
import { UsageError } from "./common.js";
import { planOffline, rotatedValues, staleByHint } from "./reseal-plan.js";

/** What reseal decides for one SealedSecret. */
export interface Verdict {
  /** Some value is not sealed with the current key. */
  stale: boolean;
  /** New ciphertexts by item key (empty when only staleness is known, e.g. --check). */
  values: Record<string, string>;
  /** Every value is current, but the key hint is missing or wrong (offline only: proven). */
  hintOnly: boolean;
  /** The certificate this verdict reseals with, when not the engine's one (named recipients). */
  fingerprint?: string;
}

/** How one SealedSecret is judged and, when applying, resealed. */
export interface Engine {
  fingerprint: string;
  /** The engine opens values, so a SealedSecret needs the namespace its label binds it to. */
  opens: boolean;
  /** `path` is the file the object is in (named recipients may be picked by it). */
  judge(ss: SealedSecret, apply: boolean, path: string): Promise<Verdict>;
}

/** The engine the flags ask for: offline (keys + cert), hint only (cert, read-only) or controller. */
export async function engineFor(
  options: CliOptions,
  io: Io,
  readOnly: boolean,
  recipientPath = "",
): Promise<Engine> {
  if (options.recipients.length > 0) return recipientsEngine(options, io, readOnly, recipientPath);
  if (recipientPath !== "") {
    throw new UsageError("--recipient-path needs named recipients (--cert NAME=SOURCE)");
  }
  if (options.recoveryPrivateKey.length > 0) {
    if (options.cert === "") {
      throw new UsageError("offline reseal needs --cert (the certificate to seal with)");
    }
    return offlineEngine(options, io);
  }
  if (options.cert !== "") {
    if (!readOnly) {
      throw new UsageError(
        "--cert without --recovery-private-key can only --check or --dry-run (by the key hint); to reseal offline give the keys too, or drop --cert to go through the controller",
      );
    }
    const { fingerprint } = await sealingCertificate(options, io);
    return {
      fingerprint,
      opens: false,
      judge: (ss) =>
        Promise.resolve({ stale: staleByHint(ss, fingerprint), values: {}, hintOnly: false }),
    };
  }
  return controllerEngine(options, io);
}

async function sealingCertificate(options: CliOptions, io: Io) {
  return parseSealingCertificate((await readCertificate(options, io)).toString("utf8"), io.now());
}

async function offlineEngine(options: CliOptions, io: Io): Promise<Engine> {
  const certificate = await sealingCertificate(options, io);
  const keys: UnsealingKey[] = [];
  for (const file of options.recoveryPrivateKey) {
    const text = await readFileOrFail(io, file);
    keys.push(...parseRecoveryKeys(text.toString("utf8"), file));
  }
  if (!keys.some((k) => k.fingerprint === certificate.fingerprint)) {
    io.writeStderr(
      `warning: no --recovery-private-key holds the key of --cert (${certificate.fingerprint}); values already sealed with it cannot be opened and will fail\n`,
    );
  }
  const fingerprint = certificate.fingerprint;
  let preferred: string | undefined;
  return {
    fingerprint,
    opens: true,
    judge: (ss) => {
      const plan = planOffline(ss, { keys, certificate, random: io.random, preferred });
      preferred = plan.openedBy ?? preferred;
      const stale = plan.current < plan.total;
      const hintOnly = !stale && plan.total > 0 && keyHint(ss) !== fingerprint;
      return Promise.resolve({ stale, values: plan.values, hintOnly });
    },
  };
}

/**
 * Named recipients (`--cert NAME=SOURCE`, repeated): each SealedSecret is judged by the engine
 * of its recipient (offline with the keys, or by the hint with --check/--dry-run), picked by
 * its `signet.dev/recipient` annotation or by the file's path (`--recipient-path`); an object
 * with neither, or naming a recipient not given, fails rather than being resealed for another.
 */
async function recipientsEngine(
  options: CliOptions,
  io: Io,
  readOnly: boolean,
  recipientPath: string,
): Promise<Engine> {
  const engines = new Map<string, Engine>();
  for (const r of options.recipients) {
    try {
      engines.set(
        r.name,
        await engineFor({ ...options, recipients: [], cert: r.source }, io, readOnly),
      );
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw err instanceof SignetError
        ? new SignetError(err.code, `recipient "${r.name}": ${err.message}`, { cause: err })
        : err;
    }
  }
  const byPath = recipientFromPath(recipientPath);
  const names = [...engines.keys()].join(", ");
  return {
    fingerprint: "",
    opens: [...engines.values()].some((e) => e.opens),
    judge: async (ss, apply, path) => {
      const name = pickRecipient(recipientOf(ss), byPath(path));
      const engine = engines.get(name);
      if (!engine) {
        throw new SignetError(
          "ERR_INVALID_INPUT",
          `sealed for recipient "${name}", which no --cert names (given: ${names})`,
        );
      }
      const verdict = await engine.judge(ss, apply, path);
      return { ...verdict, fingerprint: engine.fingerprint };
    },
  };
}

/** The recipient of an object: its annotation and its path must agree when both name one. */
function pickRecipient(annotated: string | undefined, fromPath: string | undefined): string {
  if (annotated !== undefined && fromPath !== undefined && annotated !== fromPath) {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `annotated for recipient "${annotated}" but its path is recipient "${fromPath}"'s (--recipient-path)`,
    );
  }
  const name = annotated ?? fromPath;
  if (name === undefined) {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `no ${RECIPIENT_ANNOTATION} annotation and no --recipient-path match: cannot tell which recipient it is sealed for`,
    );
  }
  return name;
}

/**
 * `--recipient-path PATTERN` as a function of a file's path: the text `{name}` stands for in a
 * pattern matched against the start of the path (`clusters/{name}/` matches
 * `clusters/prod/db.yaml` and `./clusters/prod/db.yaml`), else undefined.
 */
export function recipientFromPath(pattern: string): (path: string) => string | undefined {
  if (pattern === "") return () => undefined;
  const parts = pattern
    .split(NAME_PLACEHOLDER)
    .map((p) => p.replace(/[.*+?^$(){}|[\]\\]/g, "\\$&"));
  const regex = new RegExp(`^(?:\\./)?${parts.join("([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)")}`);
  return (path) => regex.exec(path.replaceAll("\\", "/"))?.[1];
}

/** Reseals through the controller's `/v1/rotate`. */
async function controllerEngine(options: CliOptions, io: Io): Promise<Engine> {
  const { api, client } = await connectCluster(options.cluster, io);
  const base = await api.controllerProxyPath(client, options.cluster);
  const pem = await api.fetchCertificate(client, options.cluster);
  const { fingerprint } = parseSealingCertificate(pem.toString("utf8"), io.now());
  return {
    fingerprint,
    opens: true,
    judge: async (ss, apply) => {
      if (!staleByHint(ss, fingerprint)) return { stale: false, values: {}, hintOnly: false };
      if (!apply) return { stale: true, values: {}, hintOnly: false };
      const rotated = await rotatePaced(
        () => api.rotateSealedSecret(client, base, JSON.stringify(ss)),
        api.isRateLimited,
      );
      if (rotated === undefined) throw new SignetError("ERR_DECRYPT", "unable to rotate secret");
      return { stale: true, values: rotatedValues(ss, rotated), hintOnly: false };
    },
  };
}

/** Retries after the controller's rate limit (2 requests/s by default) answers 429. */
const RETRY_DELAYS_MS = [250, 500, 1000, 1000, 2000, 2000, 4000, 4000, 8000, 8000, 8000, 8000];

/**
 * Calls `/v1/rotate`, waiting and retrying while a rate limit refuses it (`isRateLimited`: the
 * HTTP status the controller API client carries, 429 from the controller's limiter or the API
 * server's): through the API server's service proxy every client shares one source address, so
 * a repository-wide reseal is paced by that limit rather than failed by it. Any other failure,
 * and the last refusal, is thrown as it came.
 */
export async function rotatePaced<T>(
  call: () => Promise<T>,
  isRateLimited: (err: unknown) => boolean,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<T> {
  for (const delay of RETRY_DELAYS_MS) {
    try {
      return await call();
    } catch (err) {
      if (!isRateLimited(err)) throw err;
      await sleep(delay);
    }
  }
  return call();
}
