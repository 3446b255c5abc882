#!/usr/bin/env node
import { availableParallelism } from "node:os";

import { isSignetError } from "@signet/core";

import { controllerFlags, loadConfig } from "./config.js";
import { startApp } from "./controller/app.js";
import { createLogger } from "./controller/logger.js";
import { formatUsage } from "./flags/usage.js";

/**
 * `signet-controller`: the one exit point. Parses the configuration once, starts the app, turns
 * SIGUSR1 into "new key now" and SIGTERM/SIGINT into a graceful shutdown; only this file sets
 * `process.exitCode`.
 */
export const CONTROLLER_VERSION = "v0.1.0";

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig({
      argv: process.argv.slice(2),
      env: process.env,
      cpus: availableParallelism(),
    });
  } catch (err) {
    if (!isSignetError(err)) throw err;
    process.stderr.write(`Error: ${err.message}\n`);
    return 2;
  }
  if (config.version) {
    process.stdout.write(`controller version: ${CONTROLLER_VERSION}\n`);
    return 0;
  }
  if (config.help) {
    process.stdout.write(formatUsage("signet-controller", controllerFlags(availableParallelism())));
    return 0;
  }
  const log = createLogger({
    level: config.logLevel,
    format: config.logFormat,
    infoToStdout: config.logInfoStdout,
    stdout: process.stdout,
    stderr: process.stderr,
  });
  let app;
  try {
    app = await startApp(config, { env: process.env, log, version: CONTROLLER_VERSION });
  } catch (err) {
    log.error(
      { err: err instanceof Error ? err.message : String(err) },
      "controller failed to start",
    );
    return 1;
  }
  const running = app;
  process.on("SIGUSR1", () => {
    log.info({}, "SIGUSR1: generating a new key");
    void running.renewKey();
  });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  log.info({ signal }, "shutting down");
  await running.stop();
  log.info({}, "controller stopped");
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
