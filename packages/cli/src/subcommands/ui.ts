import { flag, isSignetError, parseSealingCertificate, SignetError } from "@signet/core";
import type { SealingCertificate } from "@signet/core";

import { readCertificate } from "../cert-source.js";
import { CLUSTER_FLAGS, SINGLE_CERT_FLAG } from "../flags.js";
import type { Io } from "../io.js";
import { subcommandOptions } from "../options.js";
import type { CliOptions } from "../options.js";
import type { Subcommand } from "./common.js";
import { EXIT_OK, guarded, HELP_FLAG, messageOf, parseSubcommand, UsageError } from "./common.js";
import { nodeUiServer } from "./ui-server.js";
import type { UiServerPort } from "./ui-server.js";

export const DEFAULT_UI_PORT = 8787;

const HELP = `Usage: signet ui [flags]

Serves the seal page on http://127.0.0.1:PORT/ui/ until stopped (Ctrl-C). The page builds a
Secret and seals it in the browser with WebCrypto: values never reach this server, which only
serves the page and the sealing certificate (GET /v1/cert.pem), accepts no request body and
answers only on 127.0.0.1. Nothing is opened: open the printed URL yourself.

The certificate comes from --cert (file or URL), else from the controller in the cluster, as
--fetch-cert does. When neither works the page still opens and asks for a pasted certificate.

Exit codes: 0 stopped; 1 failed (the port is taken, --cert cannot be read); 2 usage error.`;

const UI_FLAGS = {
  cert: SINGLE_CERT_FLAG,
  cluster: CLUSTER_FLAGS,
  port: flag.string(
    "port",
    String(DEFAULT_UI_PORT),
    "Port on 127.0.0.1 to serve the page on (0: any free port)",
    { noEnv: true },
  ),
  help: HELP_FLAG,
};

/** `signet ui`, over a server port (the real one by default; tests pass their own). */
export function uiCommand(server: UiServerPort = nodeUiServer): Subcommand {
  return async (argv, io) => {
    const parsed = parseSubcommand({ name: "ui", help: HELP, flags: UI_FLAGS }, argv, io);
    if (typeof parsed === "number") return parsed;
    return guarded(io, async () => {
      if (parsed.args.length > 0) {
        throw new UsageError(`signet ui takes no arguments, got "${parsed.args[0]}"`);
      }
      const port = parsePort(parsed.values.port);
      const options = subcommandOptions(parsed.values, parsed.changed);
      const certificate = await certificateFor(options, io);
      const { createUiServerHandler } = await import("@signet/web");
      let listening = port;
      const hosts = (): string[] => [`127.0.0.1:${listening}`, `localhost:${listening}`];
      const handler = createUiServerHandler({
        certificatePem: certificate?.pem,
        allowedHosts: hosts,
      });
      const running = await listen(server, handler, port);
      listening = running.port;
      io.writeStdout(banner(running.port, certificate));
      await server.untilStopped();
      await running.close();
      io.writeStderr("signet ui: stopped\n");
      return EXIT_OK;
    });
  };
}

/** The default `signet ui`. */
export const ui: Subcommand = uiCommand();

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) {
    throw new UsageError(`--port: "${text}" is not a port number (0-65535)`);
  }
  return port;
}

interface ServedCertificate {
  pem: string;
  parsed: SealingCertificate;
  source: string;
}

/**
 * The certificate to serve: `--cert` must work (an explicit choice); the cluster is asked
 * otherwise, and when that fails the page still runs and asks for a pasted certificate.
 */
async function certificateFor(options: CliOptions, io: Io): Promise<ServedCertificate | undefined> {
  const explicit = options.cert !== "";
  const source = explicit
    ? options.cert
    : `the cluster (${options.cluster.controllerNamespace}/${options.cluster.controllerName})`;
  let pem: string;
  let parsed: SealingCertificate;
  try {
    pem = (await readCertificate(options, io)).toString("utf8");
    // Expiry is the page's to report (it refuses to seal, as kubeseal does): parse as of the epoch.
    parsed = parseSealingCertificate(pem, new Date(0));
  } catch (err) {
    if (explicit) {
      throw new SignetError(
        isSignetError(err) ? err.code : "ERR_IO",
        `--cert ${source}: ${messageOf(err)}`,
        { cause: err },
      );
    }
    io.writeStderr(
      `warning: no certificate from ${source}: ${messageOf(err)}\n` +
        "         the page will ask for one (paste it or open its file)\n",
    );
    return undefined;
  }
  if (parsed.notAfter.getTime() < io.now().getTime()) {
    io.writeStderr(
      `warning: the certificate from ${source} expired on ${parsed.notAfter.toISOString()}: the page will refuse to seal with it\n`,
    );
  }
  return { pem, parsed, source };
}

async function listen(
  server: UiServerPort,
  handler: Parameters<UiServerPort["listen"]>[0],
  port: number,
): Promise<Awaited<ReturnType<UiServerPort["listen"]>>> {
  try {
    return await server.listen(handler, port);
  } catch (err) {
    const code = (err as { code?: string } | null)?.code;
    if (code === "EADDRINUSE") {
      throw new SignetError(
        "ERR_IO",
        `port ${port} on 127.0.0.1 is in use: choose another with --port`,
      );
    }
    throw new SignetError("ERR_IO", `cannot listen on 127.0.0.1:${port}: ${messageOf(err)}`);
  }
}

function banner(port: number, certificate: ServedCertificate | undefined): string {
  const lines = [`Signet seal page: http://127.0.0.1:${port}/ui/`];
  if (certificate) {
    lines.push(
      `Certificate: ${certificate.parsed.fingerprint} from ${certificate.source}, expires ${certificate.parsed.notAfter.toISOString()}`,
    );
  } else {
    lines.push("Certificate: none (paste one in the page)");
  }
  lines.push("Values are sealed in the browser and never sent here. Stop with Ctrl-C.", "");
  return lines.join("\n");
}
