import { parseOutputFormat, parseSealingScope, SignetError } from "@signet/core";
import type { OutputFormat, SealingScope } from "@signet/core";

import type { ParsedFlags } from "./flags.js";

/** The kubectl-style connection flags, passed as-is to the cluster adapter. */
export interface ClusterFlags {
  kubeconfig: string;
  context: string;
  cluster: string;
  user: string;
  server: string;
  token: string;
  as: string;
  asUid: string;
  asGroup: string[];
  certificateAuthority: string;
  clientCertificate: string;
  clientKey: string;
  insecureSkipTlsVerify: boolean;
  tlsServerName: string;
  username: string;
  password: string;
  requestTimeout: string;
  controllerName: string;
  controllerNamespace: string;
  /** `-n` after stripping `ns/`, `namespace/`, `namespaces/`; "" when absent. */
  namespace: string;
}

/** Every flag of one invocation, typed and validated once. */
export interface CliOptions {
  help: boolean;
  version: boolean;
  cert: string;
  format: OutputFormat | { invalid: string };
  formatExplicit: boolean;
  outputFile: string;
  inputFile: string;
  fetchCert: boolean;
  allowEmptyData: boolean;
  validate: boolean;
  mergeInto: string;
  raw: boolean;
  name: string;
  fromFile: string[];
  fromLiteral: string[];
  fromEnvFile: string[];
  secretType: string;
  scope: SealingScope;
  reEncrypt: boolean;
  rotateDeprecated: boolean;
  recoveryUnseal: boolean;
  recoveryPrivateKey: string[];
  cluster: ClusterFlags;
}

/** Strips kubectl's accepted `ns/`, `namespace/`, `namespaces/` prefixes of `-n`. */
export function stripNamespacePrefix(value: string): string {
  return value.replace(/^(ns|namespace|namespaces)\//, "");
}

function formatOption(value: string): OutputFormat | { invalid: string } {
  try {
    return parseOutputFormat(value);
  } catch {
    // kubeseal reports an unsupported format only when it writes output.
    return { invalid: value };
  }
}

/** Turns parsed flags into {@link CliOptions}; a bad `--scope` on the command line is an error. */
export function toOptions(flags: ParsedFlags): CliOptions {
  const str = (n: string): string => String(flags.values.get(n) ?? "");
  const bool = (n: string): boolean => flags.values.get(n) === true;
  const list = (n: string): string[] => (flags.values.get(n) as string[] | undefined) ?? [];
  // The flag parser already refused values outside the choices of --scope.
  const scope: SealingScope = parseSealingScope(str("scope"));
  return {
    help: bool("help"),
    version: bool("version"),
    cert: str("cert"),
    format: formatOption(str("format")),
    formatExplicit: flags.changed.has("format"),
    outputFile: str("sealed-secret-file"),
    inputFile: str("secret-file"),
    fetchCert: bool("fetch-cert"),
    allowEmptyData: bool("allow-empty-data"),
    validate: bool("validate"),
    mergeInto: str("merge-into"),
    raw: bool("raw"),
    name: str("name"),
    fromFile: list("from-file"),
    fromLiteral: list("from-literal"),
    fromEnvFile: list("from-env-file"),
    secretType: str("type"),
    scope,
    reEncrypt: bool("re-encrypt") || bool("rotate"),
    rotateDeprecated: bool("rotate"),
    recoveryUnseal: bool("recovery-unseal"),
    recoveryPrivateKey: list("recovery-private-key"),
    cluster: {
      kubeconfig: str("kubeconfig"),
      context: str("context"),
      cluster: str("cluster"),
      user: str("user"),
      server: str("server"),
      token: str("token"),
      as: str("as"),
      asUid: str("as-uid"),
      asGroup: list("as-group"),
      certificateAuthority: str("certificate-authority"),
      clientCertificate: str("client-certificate"),
      clientKey: str("client-key"),
      insecureSkipTlsVerify: bool("insecure-skip-tls-verify"),
      tlsServerName: str("tls-server-name"),
      username: str("username"),
      password: str("password"),
      requestTimeout: str("request-timeout"),
      controllerName: str("controller-name"),
      controllerNamespace: str("controller-namespace"),
      namespace: stripNamespacePrefix(str("namespace")),
    },
  };
}

/** The `-o` format, or kubeseal's error for an unsupported one. */
export function resolvedFormat(options: CliOptions): OutputFormat {
  if (typeof options.format === "object") {
    throw new SignetError(
      "ERR_OUTPUT_FORMAT",
      `unsupported output format: ${options.format.invalid}`,
    );
  }
  return options.format;
}
