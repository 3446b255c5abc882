import { posix } from "node:path";

import {
  keyHint,
  parseRecoveryKeys,
  parseSealingCertificate,
  quote,
  SignetError,
  UnsealError,
} from "@signet/core";
import type { SealedSecret, SealingCertificate, UnsealingKey } from "@signet/core";

import { readCertificate } from "../cert-source.js";
import { connectCluster } from "../cluster/entry.js";
import { readFileOrFail } from "../files.js";
import type { Io } from "../io.js";
import type { CliOptions } from "../options.js";
import {
  checkPlaceholder,
  NAME_PLACEHOLDER,
  RECIPIENT_ANNOTATION,
  recipientOf,
  warnSameCertificate,
} from "../recipients.js";
import { UsageError } from "./common.js";
import { openerOf, planOffline, rotatedValues, staleByHint } from "./reseal-plan.js";

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
  /** Called once every file is judged (warnings about the run as a whole). */
  finish?(): void;
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
  const keys = (await readKeyFiles(options, io)).flatMap((f) => f.keys);
  if (!keys.some((k) => k.fingerprint === certificate.fingerprint)) {
    io.writeStderr(
      `warning: no --recovery-private-key holds the key of --cert (${certificate.fingerprint}); values already sealed with it cannot be opened and will fail\n`,
    );
  }
  return offlineWith(certificate, keys, io);
}

/** The keys of every `--recovery-private-key` file, file by file. */
async function readKeyFiles(
  options: CliOptions,
  io: Io,
): Promise<{ file: string; keys: UnsealingKey[] }[]> {
  const out: { file: string; keys: UnsealingKey[] }[] = [];
  for (const file of options.recoveryPrivateKey) {
    const text = await readFileOrFail(io, file);
    out.push({ file, keys: parseRecoveryKeys(text.toString("utf8"), file) });
  }
  return out;
}

/** The offline engine for one certificate and the keys it may open values with. */
function offlineWith(
  certificate: SealingCertificate,
  keys: readonly UnsealingKey[],
  io: Io,
): Engine {
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

/** One named recipient's certificate, read (a failure names the recipient). */
async function recipientCertificates(
  options: CliOptions,
  io: Io,
): Promise<Map<string, SealingCertificate>> {
  const out = new Map<string, SealingCertificate>();
  for (const r of options.recipients) {
    try {
      out.set(r.name, await sealingCertificate({ ...options, cert: r.source }, io));
    } catch (err) {
      throw err instanceof SignetError
        ? new SignetError(err.code, `recipient "${r.name}": ${err.message}`, { cause: err })
        : err;
    }
  }
  return out;
}

/**
 * Which recipients own each recovery key: a key whose public half is a recipient's certificate
 * is that recipient's, and so is every other key of a file holding it (a controller's key
 * backup holds its current and earlier keys). A key of a file that holds no recipient's
 * current key belongs to no recipient and opens nothing: its owner cannot be told, and the
 * certificates often live in the repository, where whoever edits one could otherwise make a
 * backup file "nobody's" and let its keys open values for another recipient.
 */
export function keyOwners(
  files: readonly { keys: readonly UnsealingKey[] }[],
  certificates: ReadonlyMap<string, SealingCertificate>,
): Map<UnsealingKey, Set<string>> {
  const ownersOf = (k: UnsealingKey): Set<string> =>
    new Set([...certificates].filter(([, c]) => c.fingerprint === k.fingerprint).map(([n]) => n));
  const out = new Map<UnsealingKey, Set<string>>();
  for (const { keys } of files) {
    const fileOwners = new Set(keys.flatMap((k) => [...ownersOf(k)]));
    for (const k of keys) {
      const own = ownersOf(k);
      out.set(k, own.size > 0 ? own : fileOwners.size === 1 ? fileOwners : new Set());
    }
  }
  return out;
}

/**
 * Named recipients (`--cert NAME=SOURCE`, repeated): each SealedSecret is judged by the engine
 * of its recipient (offline with the keys, or by the hint with --check/--dry-run), picked by
 * its `signet.dev/recipient` annotation or by the file's path (`--recipient-path`); an object
 * with neither, or naming a recipient not given, fails rather than being resealed for another.
 * Offline, a recipient's values are opened only with its own keys (and keys no recipient owns,
 * see keyOwners): a value only another recipient's key opens fails, naming both, so a relabelled
 * or moved file never carries a secret from one cluster to another.
 */
async function recipientsEngine(
  options: CliOptions,
  io: Io,
  readOnly: boolean,
  recipientPath: string,
): Promise<Engine> {
  checkPlaceholder("--recipient-path", recipientPath);
  const certificates = await recipientCertificates(options, io);
  // With recovery keys a shared certificate is refused outright; the warning would only precede it.
  if (options.recoveryPrivateKey.length > 0) refuseSharedCertificates(certificates);
  else {
    warnSameCertificate(
      [...certificates].map(([name, c]) => ({ name, key: c.fingerprint })),
      io,
    );
  }
  const byFingerprint = new Map<string, string>();
  for (const [name, c] of certificates) {
    if (!byFingerprint.has(c.fingerprint)) byFingerprint.set(c.fingerprint, name);
  }
  const engines = new Map<string, Engine>();
  if (options.recoveryPrivateKey.length > 0) {
    const files = await readKeyFiles(options, io);
    const owners = keyOwners(files, certificates);
    const all = files.flatMap((f) => f.keys);
    for (const [name, certificate] of certificates) {
      const mine = all.filter((k) => owners.get(k)!.has(name));
      if (!mine.some((k) => k.fingerprint === certificate.fingerprint)) {
        // The certificate (often a file in the repository) is proven to be the recipient's
        // only by its key among the administrator's backups: without it, nothing is resealed.
        throw new UsageError(
          `recipient ${quote(name)}: no --recovery-private-key holds the key of its certificate (${certificate.fingerprint}); give its controller's key backup, or check the certificate has not been replaced`,
        );
      }
      const foreign = all.filter((k) => !mine.includes(k));
      engines.set(name, guardForeign(offlineWith(certificate, mine, io), name, foreign, owners));
    }
  } else if (readOnly) {
    for (const [name, { fingerprint }] of certificates) {
      engines.set(name, {
        fingerprint,
        opens: false,
        judge: (ss) => {
          const hinted = byFingerprint.get(keyHint(ss) ?? "");
          if (hinted !== undefined && hinted !== name && keyHint(ss) !== fingerprint) {
            throw new SignetError(
              "ERR_INVALID_INPUT",
              `recipient mismatch: it is recipient "${name}"'s, but its signet.dev/sealed-with hint is recipient "${hinted}"'s certificate`,
            );
          }
          return Promise.resolve({
            stale: staleByHint(ss, fingerprint),
            values: {},
            hintOnly: false,
          });
        },
      });
    }
  } else {
    throw new UsageError(
      "--cert without --recovery-private-key can only --check or --dry-run (by the key hint); to reseal offline give the keys too, or drop --cert to go through the controller",
    );
  }
  const byPath = recipientFromPath(recipientPath, io.cwd());
  const names = [...engines.keys()].join(", ");
  return {
    fingerprint: "",
    opens: [...engines.values()].some((e) => e.opens),
    judge: async (ss, apply, path) => {
      const name = pickRecipient(recipientOf(ss), byPath.match(path));
      const engine = engines.get(name);
      if (!engine) {
        throw new SignetError(
          "ERR_INVALID_INPUT",
          `sealed for recipient ${quote(name)}, which no --cert names (given: ${names})`,
        );
      }
      const verdict = await engine.judge(ss, apply, path);
      return { ...verdict, fingerprint: engine.fingerprint };
    },
    finish: () => {
      if (recipientPath !== "" && !byPath.matched()) {
        io.writeStderr(
          `warning: --recipient-path ${recipientPath} matched no file (paths are compared from the current directory, ${io.cwd()})\n`,
        );
      }
    },
  };
}

/**
 * A recipient's offline engine whose failures to open are explained: a value that only another
 * recipient's key opens is a recipient mismatch (both named), never resealed.
 */
function guardForeign(
  engine: Engine,
  name: string,
  foreign: readonly UnsealingKey[],
  owners: ReadonlyMap<UnsealingKey, ReadonlySet<string>>,
): Engine {
  return {
    ...engine,
    judge: async (ss, apply, path) => {
      try {
        return await engine.judge(ss, apply, path);
      } catch (err) {
        if (!(err instanceof UnsealError) || foreign.length === 0) throw err;
        for (const { key } of err.items) {
          const opener = openerOf(ss, key, foreign);
          if (opener === undefined) continue;
          if (owners.get(opener)!.size === 0) {
            throw new SignetError(
              "ERR_INVALID_INPUT",
              `its value ${quote(key)} opens only with a key of a --recovery-private-key file that holds no recipient's current key; not resealed (give earlier keys in the backup of the controller they belong to)`,
              { cause: err },
            );
          }
          const others = [...owners.get(opener)!].map((n) => quote(n)).join(", ");
          throw new SignetError(
            "ERR_INVALID_INPUT",
            `recipient mismatch: it is recipient ${quote(name)}'s, but its value ${quote(key)} opens only with recipient ${others}'s key; not resealed (a secret never moves between recipients)`,
            { cause: err },
          );
        }
        throw err;
      }
    },
  };
}

/**
 * Offline, two recipients with one certificate are refused: each would own the other's keys, so
 * a repository edit that copies one certificate over another would move secrets between them.
 */
function refuseSharedCertificates(certificates: ReadonlyMap<string, SealingCertificate>): void {
  const first = new Map<string, string>();
  for (const [name, { fingerprint }] of certificates) {
    const earlier = first.get(fingerprint);
    if (earlier !== undefined) {
      throw new UsageError(
        `recipients ${quote(earlier)} and ${quote(name)} have the same certificate (${fingerprint}); an offline reseal needs each recipient's own`,
      );
    }
    first.set(fingerprint, name);
  }
}

/** The recipient of an object: its annotation and its path must agree when both name one. */
function pickRecipient(annotated: string | undefined, fromPath: string | undefined): string {
  if (annotated !== undefined && fromPath !== undefined && annotated !== fromPath) {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `annotated for recipient ${quote(annotated)} but its path is recipient ${quote(fromPath)}'s (--recipient-path)`,
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
 * `clusters/prod/db.yaml` and `./clusters/prod/db.yaml`), else undefined. With `cwd`, both the
 * pattern's fixed start and the path are resolved against it first, so an absolute path, a
 * `../` or a run from another directory match the same files. `matched()` tells whether any
 * path matched (a pattern that matches nothing cross-checks nothing).
 */
export function recipientFromPath(
  pattern: string,
  cwd?: string,
): { match: (path: string) => string | undefined; matched: () => boolean } {
  if (pattern === "") return { match: () => undefined, matched: () => false };
  const slashed = (p: string): string => p.replaceAll("\\", "/");
  const at = pattern.indexOf(NAME_PLACEHOLDER);
  let fixed = slashed(pattern.slice(0, at));
  if (cwd !== undefined) {
    const cut = fixed.lastIndexOf("/") + 1;
    const resolved = posix.resolve(slashed(cwd), cut === 0 ? "." : fixed.slice(0, cut));
    fixed = (resolved === "/" ? "/" : resolved + "/") + fixed.slice(cut);
  }
  const rest = slashed(pattern.slice(at));
  const parts = [fixed, ...rest.split(NAME_PLACEHOLDER).slice(1)].map((p) =>
    p.replace(/[.*+?^$(){}|[\]\\]/g, "\\$&"),
  );
  const regex = new RegExp(
    `^${cwd === undefined ? "(?:\\./)?" : ""}${parts.join("([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)")}`,
  );
  let any = false;
  return {
    match: (path) => {
      const p = cwd === undefined ? slashed(path) : posix.resolve(slashed(cwd), slashed(path));
      const name = regex.exec(p)?.[1];
      if (name !== undefined) any = true;
      return name;
    },
    matched: () => any,
  };
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
