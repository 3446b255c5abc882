import {
  flag,
  FlagError,
  flagUsages,
  parseDuration,
  parseFlags,
  parseInt64,
  parseOutputFormat,
  parseSealingScope,
} from "@signet/core";
import type { FlagGroup, FlagValues, OutputFormat, ParseResult } from "@signet/core";

import type { Io } from "./io.js";
import { certFlagChoice } from "./recipients.js";

/**
 * kubeseal's flags (`bindFlags` and `bindClientFlags`, cmd/kubeseal/main.go; kubectl's clientcmd
 * override flags) and Signet's own, each declared once as the field it yields, parsed with
 * pflag's rules by core's gocompat (docs/flags.md#how-flags-are-parsed): `--flag value`,
 * `--flag=value`, `-o yaml`, `-oyaml`, bools that take only `--flag=false`, repeatable and
 * comma-split slices, `--` ends flags, and `SEALED_SECRETS_*` values applied first (the command
 * line wins, slices append, invalid values are ignored).
 */

/** Strips kubectl's accepted `ns/`, `namespace/`, `namespaces/` prefixes of `-n`. */
export function stripNamespacePrefix(value: string): string {
  return value.replace(/^(ns|namespace|namespaces)\//, "");
}

/**
 * `--request-timeout` as clientcmd's ParseTimeout reads it: whole seconds, or a Go duration;
 * checked at parse time (kubeseal only checks it when it connects). Milliseconds; 0 is none.
 */
export function requestTimeoutMs(value: string): number {
  const seconds = parseInt64(value);
  if (seconds.ok && seconds.value >= 0n) return Number(seconds.value) * 1000;
  const duration = parseDuration(value);
  if (!duration.ok) {
    throw new FlagError(
      `invalid --request-timeout "${value}": Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a unit (e.g. 1s | 2m | 3h)`,
    );
  }
  // A negative timeout means none, as for Go's http.Client.
  return Math.max(0, Number(duration.value) / 1e6);
}

/** The kubectl-style connection flags and the controller's location, shared by subcommands. */
export const CLUSTER_FLAGS = {
  kubeconfig: flag.string(
    "kubeconfig",
    "",
    "Path to a kube config. Only required if out-of-cluster",
  ),
  context: flag.string("context", "", "The name of the kubeconfig context to use"),
  cluster: flag.string("cluster", "", "The name of the kubeconfig cluster to use"),
  user: flag.string("user", "", "The name of the kubeconfig user to use"),
  server: flag.string("server", "", "The address and port of the Kubernetes API server"),
  token: flag.string("token", "", "Bearer token for authentication to the API server"),
  as: flag.string(
    "as",
    "",
    "Username to impersonate for the operation. User could be a regular user or a service account in a namespace.",
  ),
  asUid: flag.string("as-uid", "", "UID to impersonate for the operation."),
  asGroup: flag.stringArray(
    "as-group",
    "Group to impersonate for the operation, this flag can be repeated to specify multiple groups.",
  ),
  certificateAuthority: flag.string(
    "certificate-authority",
    "",
    "Path to a cert file for the certificate authority",
  ),
  clientCertificate: flag.string(
    "client-certificate",
    "",
    "Path to a client certificate file for TLS",
  ),
  clientKey: flag.string("client-key", "", "Path to a client key file for TLS"),
  insecureSkipTlsVerify: flag.bool(
    "insecure-skip-tls-verify",
    false,
    "If true, the server's certificate will not be checked for validity. This will make your HTTPS connections insecure",
  ),
  tlsServerName: flag.string(
    "tls-server-name",
    "",
    "If provided, this name will be used to validate server certificate. If this is not provided, hostname used to contact the server is used.",
  ),
  username: flag.string("username", "", "Username for basic authentication to the API server"),
  password: flag.string("password", "", "Password for basic authentication to the API server"),
  requestTimeoutMs: flag
    .string(
      "request-timeout",
      "0",
      "The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don't timeout requests.",
    )
    .map(requestTimeoutMs),
  controllerName: flag.string(
    "controller-name",
    "sealed-secrets-controller",
    "Name of sealed-secrets controller.",
  ),
  controllerNamespace: flag.string(
    "controller-namespace",
    "kube-system",
    "Namespace of sealed-secrets controller.",
  ),
  /** `-n` after stripping `ns/`, `namespace/`, `namespaces/`; "" when absent. */
  namespace: flag
    .string("namespace", "", "If present, the namespace scope for this CLI request", {
      shorthand: "n",
    })
    .map(stripNamespacePrefix),
};

/** An unsupported `-o` is reported only when output is written, as kubeseal does. */
function formatOption(value: string): OutputFormat | { invalid: string } {
  try {
    return parseOutputFormat(value);
  } catch {
    return { invalid: value };
  }
}

/** `signet [flags]`: kubeseal's flags, the cluster flags and Signet's Secret-building flags. */
export const KUBESEAL_FLAGS = {
  cluster: CLUSTER_FLAGS,
  help: flag.bool("help", false, "Print this help message"),
  version: flag.bool("version", false, "Print version information and exit"),
  /**
   * kubeseal's `--cert` (a string: the last unnamed occurrence wins), extended by Signet with
   * repeatable `NAME=SOURCE` recipients (recipients.ts; docs/recipients.md).
   */
  cert: flag
    .stringOccurrences(
      "cert",
      "Certificate / public key file/URL to use for encryption. Overrides --controller-*. Repeat as NAME=SOURCE to seal for named recipients (docs/recipients.md)",
    )
    .map(certFlagChoice),
  format: flag
    .string("format", "json", "Output format for sealed secret. Either json or yaml", {
      shorthand: "o",
    })
    .map(formatOption),
  outputFile: flag.string("sealed-secret-file", "", "Sealed-secret (output) file", {
    shorthand: "w",
  }),
  inputFile: flag.string("secret-file", "", "Secret (input) file", { shorthand: "f" }),
  fetchCert: flag.bool(
    "fetch-cert",
    false,
    "Write certificate to stdout. Useful for later use with --cert",
  ),
  allowEmptyData: flag.bool("allow-empty-data", false, "Allow empty data in the secret object"),
  validate: flag.bool("validate", false, "Validate given sealed secret object."),
  mergeInto: flag.string(
    "merge-into",
    "",
    "Merge items from secret into an existing sealed secret file, updating the file in-place instead of writing to stdout.",
  ),
  raw: flag.bool(
    "raw",
    false,
    "Encrypt a raw value passed via the --from-* flags instead of the whole secret object",
  ),
  name: flag.string(
    "name",
    "",
    "Name of the sealed secret (required with --raw and default (strict) scope)",
  ),
  fromFile: flag.stringSlice(
    "from-file",
    "With --raw: (only one) file to encrypt; the key part of [key=]path is ignored. Without --raw and with --name (signet): [key=]path items of the Secret to build",
  ),
  fromLiteral: flag.stringArray(
    "from-literal",
    "(signet) KEY=VALUE item of the Secret to build, as kubectl create secret generic does. Repeatable.",
  ),
  fromEnvFile: flag.stringSlice(
    "from-env-file",
    "(signet) Build the Secret from KEY=VALUE env files, as kubectl create secret generic does. Repeatable, or comma-separated.",
  ),
  secretType: flag.string(
    "type",
    "",
    "(signet) Type of the Secret built from --from-literal/--from-file/--from-env-file (default Opaque)",
  ),
  expiresIn: flag.string(
    "expires-in",
    "",
    "(signet) Set signet.dev/expires-at on the output SealedSecret to now plus DURATION (e.g. 90d, 2w, 12h, 1d12h; units w weeks, d days, h hours, m minutes, no months): a reminder to rotate, the controller warns before it",
  ),
  expiresAt: flag.string(
    "expires-at",
    "",
    "(signet) Set signet.dev/expires-at on the output SealedSecret to this RFC 3339 time (e.g. 2027-03-31T00:00:00Z)",
  ),
  scope: flag
    .choice(
      "scope",
      "strict",
      "Set the scope of the sealed secret: strict, namespace-wide, cluster-wide (defaults to strict). Mandatory for --raw, otherwise the 'sealedsecrets.bitnami.com/cluster-wide' and 'sealedsecrets.bitnami.com/namespace-wide' annotations on the input secret can be used to select the scope.",
      { words: ["", "strict", "namespace-wide", "cluster-wide"] },
    )
    .map((text) => parseSealingScope(text)),
  /** `--re-encrypt`, and kubeseal's deprecated `--rotate` bound to the same field. */
  reEncrypt: flag
    .bool("re-encrypt", false, "Re-encrypt the given sealed secret to use the latest cluster key.")
    .alias("rotate", { deprecated: "please use --re-encrypt instead" }),
  recoveryUnseal: flag.bool(
    "recovery-unseal",
    false,
    "Decrypt a sealed secrets file obtained from stdin, using the private key passed with --recovery-private-key. Intended to be used in disaster recovery mode.",
  ),
  recoveryPrivateKey: flag.stringSlice(
    "recovery-private-key",
    "Private key filename used by the --recovery-unseal command. Multiple files accepted either via comma separated list or by repetition of the flag. Either PEM encoded private keys or a backup of a json/yaml encoded k8s sealed-secret controller secret (and v1.List) are accepted. ",
  ),
  disableCompression: flag.bool(
    "disable-compression",
    false,
    "If true, opt-out of response compression for all requests to the server",
  ),
  proxyUrl: flag.string("proxy-url", "", "If provided, this URL will be used to connect via proxy"),
};

/**
 * Signet's help layout: pflag's, but descriptions start at column 41 at least and a repeatable
 * (stringArray) flag shows as `strings`, as Signet has always printed them.
 */
const CLI_USAGE_STYLE = { minColumn: 41, typeNames: { stringArray: "strings" } } as const;

/** The flag lines of `--help` for a flag group. */
export function usageLines(group: FlagGroup): string {
  return flagUsages(group, CLI_USAGE_STYLE);
}

/** `Usage of signet:` and the top-level flags. */
export function usage(program: string): string {
  return `Usage of ${program}:\n${usageLines(KUBESEAL_FLAGS)}`;
}

/**
 * Parses a command line (without the program) against `group`, env first as kubeseal does, and
 * prints pflag's deprecation notices on stderr. A flag error is printed with `usageText()` (as
 * pflag prints it) and returned.
 */
export function parseCommandLine<G extends FlagGroup>(
  group: G,
  argv: readonly string[],
  io: Pick<Io, "env" | "writeStderr">,
  usageText: () => string,
): ParseResult<G> | FlagError {
  let parsed: ParseResult<G>;
  try {
    parsed = parseFlags(group, argv, { env: io.env, envPrefix: "SEALED_SECRETS" });
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    for (const notice of err.deprecations) io.writeStderr(`${notice}\n`);
    io.writeStderr(`${err.message}\n${usageText()}`);
    return err;
  }
  for (const notice of parsed.deprecations) io.writeStderr(`${notice}\n`);
  return parsed;
}

/**
 * `--cert` for subcommands that read one certificate (`inspect`, `ui`): kubeseal's meaning only;
 * named recipients are refused with the flag's name.
 */
export const SINGLE_CERT_FLAG = KUBESEAL_FLAGS.cert.map((choice) => {
  // SEALED_SECRETS_CERT is always one source (certFlagChoice): only the command line names.
  if (choice.recipients.length > 0) {
    throw new FlagError(
      `invalid argument for "--cert" flag: this command reads one certificate; named recipients (NAME=SOURCE) are for sealing and reseal`,
    );
  }
  return choice;
});

export type KubesealFlags = FlagValues<typeof KUBESEAL_FLAGS>;
export { FlagError };
