import { appendAll, encodeObject, flag, SEALED_SECRETS_KEY_LABEL, SignetError } from "@signet/core";
import type { OutputFormat, SealedSecret, Secret } from "@signet/core";

import { connectCluster, controllerApi } from "../cluster/entry.js";
import type { KubeClient } from "../cluster/kube-client.js";
import { CLUSTER_FLAGS } from "../flags.js";
import { pathError } from "../files.js";
import type { Io } from "../io.js";
import type { ClusterFlags } from "../options.js";
import { clusterFlags } from "../options.js";
import type { Subcommand, SubcommandArgs } from "./common.js";
import { EXIT_OK, guarded, HELP_FLAG, parseSubcommand, UsageError } from "./common.js";
import type { KeyRow, Usage } from "./keys-model.js";
import {
  ACTIVE,
  backupList,
  keyRows,
  LEGACY_KEY_NAME,
  RETIRED,
  retireRefusal,
  usageOf,
} from "./keys-model.js";

const HELP = `Usage: signet keys list|backup|retire [flags]

Manages the controller's sealing keys: the Secrets labelled ${SEALED_SECRETS_KEY_LABEL}
in --controller-namespace, read and changed through the Kubernetes API (kubeconfig and the
kubectl-style flags below). Nothing here talks to the controller itself.

  list                 Each key: fingerprint, Secret, created, expires (certificate NotAfter),
                       active, and how many SealedSecrets in the cluster it still opens (from the
                       key fingerprint the Signet controller records in each SealedSecret's status).
  backup [-w FILE]     Writes the key Secrets as a v1 List (restore with kubectl apply -f, or open
                       files offline with --recovery-private-key). FILE is written with mode 0600;
                       without -w the List goes to stdout, never to a terminal. It holds the
                       PRIVATE keys: keep it offline and encrypted.
  retire FINGERPRINT   Deactivates a key by relabelling its Secret
                       ${SEALED_SECRETS_KEY_LABEL}=${RETIRED}; nothing is deleted (relabel
                       it ${ACTIVE} to undo). Refuses while any SealedSecret still depends on it,
                       while some SealedSecret has no recorded key, or for the newest key, unless
                       --force.

Exit codes: 0 done; 1 failed or refused; 2 usage error.`;

const KEYS_FLAGS = {
  cluster: CLUSTER_FLAGS,
  output: flag.string("output", "", "Output format: text (list only), json or yaml", {
    shorthand: "o",
    noEnv: true,
  }),
  write: flag.string("write", "", "backup: the file to write (mode 0600)", {
    shorthand: "w",
    noEnv: true,
  }),
  force: flag.bool("force", false, "retire: even while SealedSecrets may depend on the key", {
    noEnv: true,
  }),
  help: HELP_FLAG,
};

type KeysArgs = SubcommandArgs<typeof KEYS_FLAGS>;

const cluster = (parsed: KeysArgs): ClusterFlags =>
  clusterFlags(parsed.values.cluster, parsed.changed);

const LIST_LIMIT = 500;

export const keys: Subcommand = async (argv, io) => {
  const parsed = parseSubcommand({ name: "keys", help: HELP, flags: KEYS_FLAGS }, argv, io);
  if (typeof parsed === "number") return parsed;
  return guarded(io, async () => {
    const [action, ...rest] = parsed.args;
    const body =
      action !== undefined && Object.hasOwn(ACTIONS, action) ? ACTIONS[action] : undefined;
    if (!body) {
      throw new UsageError(
        action === undefined
          ? "signet keys needs an action: list, backup or retire"
          : `unknown action "${action}": use list, backup or retire`,
      );
    }
    return body(parsed, rest, io);
  });
};

type Action = (parsed: KeysArgs, rest: string[], io: Io) => Promise<number>;

function noExtraArgs(rest: readonly string[], action: string): void {
  if (rest.length > 0) throw new UsageError(`signet keys ${action} takes no arguments`);
}

function outputFormat(parsed: KeysArgs, allowed: readonly string[], dflt: string): string {
  const value = parsed.values.output || dflt;
  if (!allowed.includes(value)) {
    throw new UsageError(`unsupported output format "${value}": use ${allowed.join(", ")}`);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Cluster reads (through the KubeClient port; client-node is loaded only here)

async function client(flags: ClusterFlags, io: Io): Promise<KubeClient> {
  return (await connectCluster(flags, io)).client;
}

async function statusError(response: { status: number; body: Buffer }, what: string) {
  const { statusMessage } = await controllerApi();
  return new SignetError("ERR_NEEDS_CLUSTER", `cannot ${what}: ${statusMessage(response)}`);
}

/**
 * Every item of a list endpoint, following `continue` tokens; undefined when the API answers 403
 * and `forbiddenOk` is set.
 */
async function listAll<T>(
  kube: KubeClient,
  path: string,
  what: string,
  forbiddenOk = false,
): Promise<T[] | undefined> {
  const items: T[] = [];
  let token = "";
  do {
    const sep = path.includes("?") ? "&" : "?";
    const next = token ? `&continue=${encodeURIComponent(token)}` : "";
    const response = await kube.request("GET", `${path}${sep}limit=${LIST_LIMIT}${next}`);
    if (response.status === 403 && forbiddenOk) return undefined;
    if (response.status !== 200) throw await statusError(response, what);
    const list = JSON.parse(response.body.toString("utf8")) as {
      items?: T[];
      metadata?: { continue?: string };
    };
    appendAll(items, list.items ?? []);
    token = list.metadata?.continue ?? "";
  } while (token !== "");
  return items;
}

async function keySecrets(kube: KubeClient, flags: ClusterFlags): Promise<Secret[]> {
  const selector = encodeURIComponent(SEALED_SECRETS_KEY_LABEL);
  const secrets = await listAll<Secret>(
    kube,
    `/api/v1/namespaces/${flags.controllerNamespace}/secrets?labelSelector=${selector}`,
    `list the key Secrets in namespace ${flags.controllerNamespace}`,
  );
  return secrets ?? [];
}

/** Which key opened each SealedSecret; undefined when listing them all is forbidden. */
async function usage(kube: KubeClient): Promise<Usage | undefined> {
  const items = await listAll<SealedSecret>(
    kube,
    "/apis/bitnami.com/v1alpha1/sealedsecrets",
    "list SealedSecrets in all namespaces",
    true,
  );
  return items && usageOf(items);
}

// ---------------------------------------------------------------------------------------------
// Actions

async function list(parsed: KeysArgs, rest: string[], io: Io): Promise<number> {
  noExtraArgs(rest, "list");
  const format = outputFormat(parsed, ["text", "json", "yaml"], "text");
  const kube = await client(cluster(parsed), io);
  const [secrets, used] = await Promise.all([keySecrets(kube, cluster(parsed)), usage(kube)]);
  const rows = keyRows(secrets, used);
  if (format !== "text") {
    const out = {
      keys: rows,
      sealedSecrets: used?.total ?? null,
      withoutRecordedKey: used?.unknown.length ?? null,
    };
    io.writeStdout(encodeObject(out, format as OutputFormat));
    return EXIT_OK;
  }
  io.writeStdout(table(rows));
  io.writeStdout(
    used
      ? `${used.total} SealedSecrets in the cluster; ${used.unknown.length} without a recorded key\n`
      : "SealedSecrets cannot be listed in all namespaces (forbidden): usage unknown\n",
  );
  return EXIT_OK;
}

function table(rows: readonly KeyRow[]): string {
  const head = ["FINGERPRINT", "SECRET", "CREATED", "EXPIRES", "ACTIVE", "SEALEDSECRETS"];
  const lines = rows.map((r) => [
    r.fingerprint || `(${r.problem ?? "unreadable"})`,
    r.name,
    r.created ?? "-",
    r.expires ?? "-",
    r.active ? (r.newest ? "yes (newest)" : "yes") : `no (${r.label || "unlabelled"})`,
    r.sealedSecrets === undefined ? "?" : String(r.sealedSecrets),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  return [head, ...lines]
    .map((cells) =>
      cells
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join("");
}

async function backup(parsed: KeysArgs, rest: string[], io: Io): Promise<number> {
  noExtraArgs(rest, "backup");
  const format = outputFormat(parsed, ["json", "yaml"], "yaml") as OutputFormat;
  const file = parsed.values.write;
  if (file === "" && io.stdoutIsTTY) {
    throw new UsageError(
      "refusing to print private keys to a terminal: use -w FILE (written with mode 0600) or redirect stdout",
    );
  }
  const kube = await client(cluster(parsed), io);
  const secrets = await keySecrets(kube, cluster(parsed));
  if (secrets.length === 0) {
    throw new SignetError(
      "ERR_NEEDS_CLUSTER",
      `no key Secrets (label ${SEALED_SECRETS_KEY_LABEL}) in namespace ${cluster(parsed).controllerNamespace}`,
    );
  }
  const text = encodeObject(backupList(secrets), format);
  if (file === "") io.writeStdout(text);
  else {
    await io.writeFileAtomic(file, text, { mode: 0o600 }).catch((cause: unknown) => {
      throw pathError("write", file, cause);
    });
  }
  const where = file === "" ? "the output" : file;
  io.writeStderr(
    `WARNING: ${where} holds the PRIVATE sealing keys of the controller (${secrets.length} key Secrets).\n` +
      "WARNING: anyone who can read it can decrypt every SealedSecret sealed with these keys.\n" +
      "WARNING: keep it offline and encrypted; never commit it or leave it in CI artifacts.\n",
  );
  return EXIT_OK;
}

async function retire(parsed: KeysArgs, rest: string[], io: Io): Promise<number> {
  if (rest.length !== 1) throw new UsageError("signet keys retire needs exactly one FINGERPRINT");
  const wanted = rest[0]!;
  const flags = cluster(parsed);
  const kube = await client(flags, io);
  const [secrets, used] = await Promise.all([keySecrets(kube, flags), usage(kube)]);
  const rows = keyRows(secrets, used);
  const row = rows.find((r) => r.fingerprint === wanted || r.fingerprint === `SHA256:${wanted}`);
  if (!row) {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `no key with fingerprint ${wanted} in namespace ${flags.controllerNamespace} (see signet keys list)`,
    );
  }
  if (row.name === LEGACY_KEY_NAME) {
    throw new SignetError(
      "ERR_INVALID_INPUT",
      `the key Secret ${row.name} is loaded by its name whatever its label, so relabelling cannot retire it`,
    );
  }
  if (row.label !== ACTIVE) {
    io.writeStdout(
      `key ${row.fingerprint} (Secret ${row.namespace}/${row.name}) is not active (label "${row.label}"); nothing to do\n`,
    );
    return EXIT_OK;
  }
  const refusal = retireRefusal(row, used);
  if (refusal !== undefined && !parsed.values.force) {
    throw new SignetError("ERR_INVALID_INPUT", `refusing to retire: ${refusal}`);
  }
  await relabel(kube, row);
  io.writeStdout(
    `retired key ${row.fingerprint}: Secret ${row.namespace}/${row.name} relabelled ${SEALED_SECRETS_KEY_LABEL}=${RETIRED}; nothing deleted.\n` +
      `Undo: kubectl label secret -n ${row.namespace} ${row.name} ${SEALED_SECRETS_KEY_LABEL}=${ACTIVE} --overwrite\n`,
  );
  return EXIT_OK;
}

const ACTIONS: Readonly<Partial<Record<string, Action>>> = { list, backup, retire };

/** Read-modify-write of the key label, guarded by resourceVersion (a concurrent change fails). */
async function relabel(kube: KubeClient, row: KeyRow): Promise<void> {
  const path = `/api/v1/namespaces/${row.namespace}/secrets/${row.name}`;
  const got = await kube.request("GET", path);
  if (got.status !== 200) throw await statusError(got, `read Secret ${row.namespace}/${row.name}`);
  const secret = JSON.parse(got.body.toString("utf8")) as Secret & {
    metadata: { labels?: Record<string, string> };
  };
  secret.metadata.labels = { ...secret.metadata.labels, [SEALED_SECRETS_KEY_LABEL]: RETIRED };
  const put = await kube.request("PUT", path, JSON.stringify(secret));
  if (put.status !== 200)
    throw await statusError(put, `relabel Secret ${row.namespace}/${row.name}`);
}
