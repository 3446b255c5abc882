#!/usr/bin/env node
import { availableParallelism } from "node:os";

import { isSignetError } from "@signet/core";

import { controllerUsage, loadConfig } from "./config.js";
import type { RunningApp } from "./app/app.js";
import { createLogger } from "./app/logger.js";
import { systemClock } from "./app/system-clock.js";
import { shiftedClock, testClockChoice } from "./app/test-clock.js";
import type { Clock } from "./ports/clock.js";
import type { Logger } from "./ports/logger.js";

/**
 * `signet-controller`: the one exit point. Parses the configuration once, starts the app, turns
 * SIGUSR1 into "new key now" and SIGTERM/SIGINT into a graceful shutdown; only this file sets
 * `process.exitCode`.
 */
export const CONTROLLER_VERSION = "v0.1.0";

async function main(): Promise<{ code: number; exitNow: boolean }> {
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
    return { code: 2, exitNow: false };
  }
  for (const notice of config.deprecations) process.stderr.write(`${notice}\n`);
  if (config.version) {
    process.stdout.write(`controller version: ${CONTROLLER_VERSION}\n`);
    return { code: 0, exitNow: false };
  }
  if (config.help) {
    process.stdout.write(controllerUsage("signet-controller", availableParallelism()));
    return { code: 0, exitNow: false };
  }
  const log = createLogger({
    level: config.logLevel,
    format: config.logFormat,
    infoToStdout: config.logInfoStdout,
    stdout: process.stdout,
    stderr: process.stderr,
  });
  // Signals are bound before anything starts: SIGUSR1 would otherwise open Node's inspector,
  // and a SIGTERM while caches fill must still end the process cleanly.
  const app: { running?: RunningApp } = {};
  process.on("SIGUSR1", () => {
    log.info({}, "SIGUSR1: generating a new key");
    void app.running?.renewKey();
  });
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  const clock = wallClock(config.kubeconfig, log);
  // Loaded on demand: `--version` and `--help` never pay for the Kubernetes client.
  const { startApp } = await import("./app/app.js");
  const started = startApp(config, {
    env: process.env,
    log,
    version: CONTROLLER_VERSION,
    clock,
  });
  let first: RunningApp | NodeJS.Signals;
  try {
    first = await Promise.race([started, signal]);
  } catch (err) {
    log.error(
      { err: err instanceof Error ? err.message : String(err) },
      "controller failed to start",
    );
    return { code: 1, exitNow: true };
  }
  if (typeof first === "string") {
    log.info({ signal: first }, "shutting down before startup completed");
    return { code: 0, exitNow: true };
  }
  app.running = first;
  const ended = await Promise.race([signal, first.lostLeadership.then(() => "lost" as const)]);
  if (ended === "lost") {
    // client-go's OnStoppedLeading: exit now; in-flight reconciles must not outlive the Lease.
    log.error({}, "leader election lost, exiting");
    return { code: 1, exitNow: true };
  }
  log.info({ signal: ended }, "shutting down");
  // A second signal while draining means "now": give up waiting for in-flight work.
  const forced = new Promise<"forced">((resolve) => {
    process.once("SIGTERM", () => resolve("forced"));
    process.once("SIGINT", () => resolve("forced"));
  });
  if ((await Promise.race([first.stop(), forced])) === "forced") {
    log.warn({}, "second signal: exiting without waiting for in-flight work");
    return { code: 1, exitNow: true };
  }
  log.info({}, "controller stopped");
  return { code: 0, exitNow: false };
}

/** The real clock, or the e2e suite's shifted one where it is allowed (app/test-clock.ts). */
function wallClock(kubeconfig: string, log: Logger): Clock {
  const choice = testClockChoice(process.env, kubeconfig);
  if (choice.kind === "refused") log.error({}, choice.reason);
  if (choice.kind !== "shifted") return systemClock();
  log.warn({ file: choice.file }, "test clock: the wall clock is shifted");
  return shiftedClock(systemClock(), choice.file);
}

main().then(
  ({ code, exitNow }) => {
    // Startup may leave watches and timers behind (it has no cancellation); only then exit hard.
    if (exitNow) process.exit(code);
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
