import { parseFlags, SignetError } from "@signet/core";
import type { FlagValues, OutputFormat, ParseResult } from "@signet/core";

import type { CLUSTER_FLAGS } from "./flags.js";
import { KUBESEAL_FLAGS } from "./flags.js";
import type { Recipient } from "./recipients.js";

/** The kubectl-style connection flags, passed as-is to the cluster adapter. */
export type ClusterFlags = FlagValues<typeof CLUSTER_FLAGS> & {
  /** `-n` was given on the command line (not by SEALED_SECRETS_NAMESPACE). */
  namespaceExplicit: boolean;
};

/** Every flag of one invocation, typed and validated once. */
export type CliOptions = Omit<FlagValues<typeof KUBESEAL_FLAGS>, "cluster" | "cert"> & {
  cluster: ClusterFlags;
  /** kubeseal's `--cert` source; "" when absent (the cluster is asked) or when named. */
  cert: string;
  /** Named `--cert NAME=SOURCE` recipients (Signet); empty for kubeseal's form. */
  recipients: readonly Recipient[];
  /** `cert` is SEALED_SECRETS_CERT's (errors reading it name the variable). */
  certFromEnv?: boolean;
  /** `-o` was given on the command line (not only by default or environment). */
  formatExplicit: boolean;
  /** `--expires-in` or `--expires-at` given on the command line with an empty value (refused). */
  emptyExpiryFlag?: "--expires-in" | "--expires-at";
};

/** The expiry flag given on the command line with an empty value, if any. */
function emptyExpiryFlag(
  parsed: ParseResult<typeof KUBESEAL_FLAGS>,
): CliOptions["emptyExpiryFlag"] {
  if (parsed.changed.has("expires-in") && parsed.values.expiresIn === "") return "--expires-in";
  if (parsed.changed.has("expires-at") && parsed.values.expiresAt === "") return "--expires-at";
  return undefined;
}

/** The cluster flags of a parsed command line, with whether `-n` was given. */
export function clusterFlags(
  values: FlagValues<typeof CLUSTER_FLAGS>,
  changed: ReadonlySet<string>,
): ClusterFlags {
  return { ...values, namespaceExplicit: changed.has("namespace") };
}

/** The options of a parsed top-level command line. */
export function toOptions(parsed: ParseResult<typeof KUBESEAL_FLAGS>): CliOptions {
  return {
    ...parsed.values,
    cert: parsed.values.cert.source,
    recipients: parsed.values.cert.recipients,
    certFromEnv: parsed.values.cert.fromEnv === true,
    cluster: clusterFlags(parsed.values.cluster, parsed.changed),
    help: parsed.values.help || parsed.helpRequested,
    formatExplicit: parsed.changed.has("format"),
    emptyExpiryFlag: emptyExpiryFlag(parsed),
  };
}

/**
 * The top-level options a subcommand's shared flags stand for: kubeseal's defaults, overlaid
 * with the values of the top-level flags the subcommand declares (`cert`, `cluster`, ...).
 */
export function subcommandOptions(
  values: Partial<FlagValues<typeof KUBESEAL_FLAGS>>,
  changed: ReadonlySet<string>,
): CliOptions {
  const merged = { ...parseFlags(KUBESEAL_FLAGS, []).values, ...values };
  return {
    ...merged,
    cert: merged.cert.source,
    recipients: merged.cert.recipients,
    certFromEnv: merged.cert.fromEnv === true,
    cluster: clusterFlags(merged.cluster, changed),
    formatExplicit: false,
  };
}

/** The `-o` format, or kubeseal's error for an unsupported one. */
export function resolvedFormat(options: Pick<CliOptions, "format">): OutputFormat {
  if (typeof options.format === "object") {
    throw new SignetError(
      "ERR_OUTPUT_FORMAT",
      `unsupported output format: ${options.format.invalid}`,
    );
  }
  return options.format;
}
