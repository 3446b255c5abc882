/**
 * kubeseal's flags (`bindFlags` and `bindClientFlags`, cmd/kubeseal/main.go) as data, and a parser
 * with pflag's semantics: `--flag value`, `--flag=value`, `-o yaml`, `-oyaml`, bools that take only
 * `--flag=false`, repeatable and comma-split slices, `--` ends flags, and `SEALED_SECRETS_*` env
 * values applied first (so the command line wins, slices concatenate, and invalid env values are
 * silently ignored). commander cannot express these rules, hence this small table-driven parser.
 */
export type FlagKind = "bool" | "string" | "slice" | "array";

export interface FlagSpec {
  name: string;
  short?: string;
  kind: FlagKind;
  default: string | boolean;
  usage: string;
  /** Not mapped from SEALED_SECRETS_* (klog-style flags in the reference). */
  noEnv?: boolean;
  /** Kept for compatibility; listed in help with this note. */
  deprecated?: string;
  /** Accepted values of a string flag (pflag custom Value): others fail like a bad bool. */
  choices?: readonly string[];
}

export const FLAGS: readonly FlagSpec[] = [
  {
    name: "allow-empty-data",
    kind: "bool",
    default: false,
    usage: "Allow empty data in the secret object",
  },
  {
    name: "as",
    kind: "string",
    default: "",
    usage:
      "Username to impersonate for the operation. User could be a regular user or a service account in a namespace.",
  },
  {
    name: "as-group",
    kind: "array",
    default: "",
    usage:
      "Group to impersonate for the operation, this flag can be repeated to specify multiple groups.",
  },
  { name: "as-uid", kind: "string", default: "", usage: "UID to impersonate for the operation." },
  {
    name: "cert",
    kind: "string",
    default: "",
    usage: "Certificate / public key file/URL to use for encryption. Overrides --controller-*",
  },
  {
    name: "certificate-authority",
    kind: "string",
    default: "",
    usage: "Path to a cert file for the certificate authority",
  },
  {
    name: "client-certificate",
    kind: "string",
    default: "",
    usage: "Path to a client certificate file for TLS",
  },
  { name: "client-key", kind: "string", default: "", usage: "Path to a client key file for TLS" },
  {
    name: "cluster",
    kind: "string",
    default: "",
    usage: "The name of the kubeconfig cluster to use",
  },
  {
    name: "context",
    kind: "string",
    default: "",
    usage: "The name of the kubeconfig context to use",
  },
  {
    name: "controller-name",
    kind: "string",
    default: "sealed-secrets-controller",
    usage: "Name of sealed-secrets controller.",
  },
  {
    name: "controller-namespace",
    kind: "string",
    default: "kube-system",
    usage: "Namespace of sealed-secrets controller.",
  },
  {
    name: "disable-compression",
    kind: "bool",
    default: false,
    usage: "If true, opt-out of response compression for all requests to the server",
  },
  {
    name: "fetch-cert",
    kind: "bool",
    default: false,
    usage: "Write certificate to stdout. Useful for later use with --cert",
  },
  {
    name: "format",
    short: "o",
    kind: "string",
    default: "json",
    usage: "Output format for sealed secret. Either json or yaml",
  },
  {
    name: "from-env-file",
    kind: "array",
    default: "",
    usage:
      "(signet) Build the Secret from a KEY=VALUE env file, as kubectl create secret generic does. Repeatable.",
  },
  {
    name: "from-file",
    kind: "slice",
    default: "",
    usage:
      "With --raw: (only one) file to encrypt; the key part of [key=]path is ignored. Without --raw and with --name (signet): [key=]path items of the Secret to build",
  },
  {
    name: "from-literal",
    kind: "array",
    default: "",
    usage:
      "(signet) KEY=VALUE item of the Secret to build, as kubectl create secret generic does. Repeatable.",
  },
  { name: "help", kind: "bool", default: false, usage: "Print this help message" },
  {
    name: "insecure-skip-tls-verify",
    kind: "bool",
    default: false,
    usage:
      "If true, the server's certificate will not be checked for validity. This will make your HTTPS connections insecure",
  },
  {
    name: "kubeconfig",
    kind: "string",
    default: "",
    usage: "Path to a kube config. Only required if out-of-cluster",
  },
  {
    name: "merge-into",
    kind: "string",
    default: "",
    usage:
      "Merge items from secret into an existing sealed secret file, updating the file in-place instead of writing to stdout.",
  },
  {
    name: "name",
    kind: "string",
    default: "",
    usage: "Name of the sealed secret (required with --raw and default (strict) scope)",
  },
  {
    name: "namespace",
    short: "n",
    kind: "string",
    default: "",
    usage: "If present, the namespace scope for this CLI request",
  },
  {
    name: "password",
    kind: "string",
    default: "",
    usage: "Password for basic authentication to the API server",
  },
  {
    name: "proxy-url",
    kind: "string",
    default: "",
    usage: "If provided, this URL will be used to connect via proxy",
  },
  {
    name: "raw",
    kind: "bool",
    default: false,
    usage: "Encrypt a raw value passed via the --from-* flags instead of the whole secret object",
  },
  {
    name: "re-encrypt",
    kind: "bool",
    default: false,
    usage: "Re-encrypt the given sealed secret to use the latest cluster key.",
  },
  {
    name: "recovery-private-key",
    kind: "slice",
    default: "",
    usage:
      "Private key filename used by the --recovery-unseal command. Multiple files accepted either via comma separated list or by repetition of the flag. Either PEM encoded private keys or a backup of a json/yaml encoded k8s sealed-secret controller secret (and v1.List) are accepted. ",
  },
  {
    name: "recovery-unseal",
    kind: "bool",
    default: false,
    usage:
      "Decrypt a sealed secrets file obtained from stdin, using the private key passed with --recovery-private-key. Intended to be used in disaster recovery mode.",
  },
  {
    name: "request-timeout",
    kind: "string",
    default: "0",
    usage:
      "The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don't timeout requests.",
  },
  {
    name: "rotate",
    kind: "bool",
    default: false,
    usage: "",
    deprecated: "please use --re-encrypt instead",
  },
  {
    name: "scope",
    kind: "string",
    default: "strict",
    choices: ["", "strict", "namespace-wide", "cluster-wide"],
    usage:
      "Set the scope of the sealed secret: strict, namespace-wide, cluster-wide (defaults to strict). Mandatory for --raw, otherwise the 'sealedsecrets.bitnami.com/cluster-wide' and 'sealedsecrets.bitnami.com/namespace-wide' annotations on the input secret can be used to select the scope.",
  },
  {
    name: "sealed-secret-file",
    short: "w",
    kind: "string",
    default: "",
    usage: "Sealed-secret (output) file",
  },
  { name: "secret-file", short: "f", kind: "string", default: "", usage: "Secret (input) file" },
  {
    name: "server",
    kind: "string",
    default: "",
    usage: "The address and port of the Kubernetes API server",
  },
  {
    name: "tls-server-name",
    kind: "string",
    default: "",
    usage:
      "If provided, this name will be used to validate server certificate. If this is not provided, hostname used to contact the server is used.",
  },
  {
    name: "token",
    kind: "string",
    default: "",
    usage: "Bearer token for authentication to the API server",
  },
  {
    name: "type",
    kind: "string",
    default: "",
    usage:
      "(signet) Type of the Secret built from --from-literal/--from-file/--from-env-file (default Opaque)",
  },
  { name: "user", kind: "string", default: "", usage: "The name of the kubeconfig user to use" },
  {
    name: "username",
    kind: "string",
    default: "",
    usage: "Username for basic authentication to the API server",
  },
  { name: "validate", kind: "bool", default: false, usage: "Validate given sealed secret object." },
  { name: "version", kind: "bool", default: false, usage: "Print version information and exit" },
];

/** Parsed flag values, plus which flags were set on the command line (not from env). */
export interface ParsedFlags {
  values: Map<string, string | boolean | string[]>;
  changed: Set<string>;
  args: string[];
}

/** A command-line usage error; printed with the usage text and exit code 2, as pflag does. */
export class FlagError extends Error {
  override name = "FlagError";
}

/** A flag table indexed by long and short name (the top level's, or a subcommand's). */
interface FlagIndex {
  flags: readonly FlagSpec[];
  byName: ReadonlyMap<string, FlagSpec>;
  byShort: ReadonlyMap<string, FlagSpec>;
}

function indexFlags(flags: readonly FlagSpec[]): FlagIndex {
  return {
    flags,
    byName: new Map(flags.map((f) => [f.name, f])),
    byShort: new Map(flags.filter((f) => f.short).map((f) => [f.short!, f])),
  };
}

const TOP_LEVEL = indexFlags(FLAGS);

/** Go's strconv.ParseBool. */
export function parseGoBool(value: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
  return undefined;
}

/** Environment variable of a flag: SEALED_SECRETS_ + upper-case name with '-' as '_'. */
export function envName(flag: string): string {
  return `SEALED_SECRETS_${flag.toUpperCase().replace(/-/g, "_")}`;
}

class FlagSet {
  readonly values = new Map<string, string | boolean | string[]>();
  readonly changed = new Set<string>();
  readonly #sliceTouched = new Set<string>();

  readonly index: FlagIndex;

  constructor(index: FlagIndex) {
    this.index = index;
    for (const f of index.flags)
      this.values.set(f.name, f.kind === "slice" || f.kind === "array" ? [] : f.default);
  }

  /** pflag `Set`: slices replace their default on first set and append afterwards. */
  set(flag: FlagSpec, raw: string): void {
    if (flag.kind === "bool") {
      const parsed = parseGoBool(raw);
      if (parsed === undefined) {
        throw new FlagError(
          `invalid argument "${raw}" for "--${flag.name}" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`,
        );
      }
      this.values.set(flag.name, parsed);
      return;
    }
    if (flag.kind === "string") {
      if (flag.choices && !flag.choices.includes(raw)) {
        const allowed = flag.choices.filter((c) => c !== "").join(", ");
        throw new FlagError(
          `invalid argument "${raw}" for "--${flag.name}" flag: must be one of: ${allowed}`,
        );
      }
      this.values.set(flag.name, raw);
      return;
    }
    const items = flag.kind === "slice" ? (raw === "" ? [] : raw.split(",")) : [raw];
    const previous = this.#sliceTouched.has(flag.name)
      ? (this.values.get(flag.name) as string[])
      : [];
    this.values.set(flag.name, [...previous, ...items]);
    this.#sliceTouched.add(flag.name);
  }
}

/**
 * Parses argv (without node and script) with env fallback, as kubeseal's flagenv + pflag do.
 * `flags` defaults to the top-level table; subcommands pass their own.
 */
export function parseFlags(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  flags: readonly FlagSpec[] = FLAGS,
): ParsedFlags {
  const set = new FlagSet(flags === FLAGS ? TOP_LEVEL : indexFlags(flags));
  for (const flag of set.index.flags) {
    const value = flag.noEnv ? undefined : env[envName(flag.name)];
    if (value === undefined) continue;
    try {
      set.set(flag, value);
    } catch {
      // Invalid env values are silently ignored, as in the reference.
    }
  }
  const args = parseArgs(argv, set);
  return { values: set.values, changed: set.changed, args };
}

function parseArgs(argv: readonly string[], set: FlagSet): string[] {
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") return [...args, ...argv.slice(i + 1)];
    if (arg.startsWith("--")) i = parseLong(argv, i, set);
    else if (arg.startsWith("-") && arg.length > 1) i = parseShort(argv, i, set);
    else args.push(arg);
  }
  return args;
}

function parseLong(argv: readonly string[], i: number, set: FlagSet): number {
  const body = argv[i]!.slice(2);
  const eq = body.indexOf("=");
  const name = eq === -1 ? body : body.slice(0, eq);
  const flag = set.index.byName.get(name);
  if (!flag) throw new FlagError(`unknown flag: --${name}`);
  if (eq !== -1) return apply(set, flag, body.slice(eq + 1), i);
  if (flag.kind === "bool") return apply(set, flag, "true", i);
  if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: --${name}`);
  return apply(set, flag, argv[i + 1]!, i + 1);
}

function parseShort(argv: readonly string[], i: number, set: FlagSet): number {
  const body = argv[i]!.slice(1);
  const letter = body[0]!;
  const flag = set.index.byShort.get(letter);
  if (!flag) throw new FlagError(`unknown shorthand flag: '${letter}' in -${body}`);
  const rest = body.slice(1);
  if (rest !== "") return apply(set, flag, rest.startsWith("=") ? rest.slice(1) : rest, i);
  if (i + 1 >= argv.length)
    throw new FlagError(`flag needs an argument: '${letter}' in -${letter}`);
  return apply(set, flag, argv[i + 1]!, i + 1);
}

function apply(set: FlagSet, flag: FlagSpec, value: string, next: number): number {
  set.set(flag, value);
  set.changed.add(flag.name);
  return next;
}

/**
 * pflag-style usage text: `Usage of <prog>:` (or the given head) then one line per flag with its
 * default. Subcommands pass their own table and head.
 */
export function usage(program: string, flags: readonly FlagSpec[] = FLAGS, head = ""): string {
  const lines = [head === "" ? `Usage of ${program}:` : head];
  for (const f of flags) {
    if (f.deprecated) continue;
    const head = f.short ? `  -${f.short}, --${f.name}` : `      --${f.name}`;
    const type = f.kind === "bool" ? "" : f.kind === "string" ? " string" : " strings";
    const dflt = f.kind === "string" && f.default !== "" ? ` (default "${String(f.default)}")` : "";
    lines.push(`${head}${type}`.padEnd(40) + ` ${f.usage}${dflt}`);
  }
  return `${lines.join("\n")}\n`;
}
