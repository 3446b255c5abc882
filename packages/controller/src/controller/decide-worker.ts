import { parentPort } from "node:worker_threads";

import type { UnsealingKey } from "@signet/core";

import { decide } from "../reconcile/decide.js";
import type { DecideSettings, FromWorker, ToWorker } from "./decide-pool.js";
import { templateRenderer } from "./decide-pool.js";

/**
 * A decide thread of `WorkerDecider`: holds the settings and the latest key set it was sent,
 * answers each `decide` request with the pure decision. Errors are reported by message only
 * (decide's own failures are data, not errors; a thrown error is a bug and carries no values).
 */
const port = parentPort;
if (!port) throw new Error("decide-worker must run in a worker thread");

const state: { settings?: DecideSettings; keys: readonly UnsealingKey[] } = { keys: [] };
const renderer = templateRenderer();

port.on("message", (msg: ToWorker) => {
  switch (msg.type) {
    case "settings":
      state.settings = msg.settings;
      return;
    case "keys":
      state.keys = msg.keys;
      return;
    case "decide": {
      const settings = state.settings;
      let reply: FromWorker;
      try {
        if (!settings) throw new Error("decide thread has no settings");
        const decision = decide(msg.ss, msg.existing, {
          keys: state.keys,
          preferred: msg.preferred,
          acceptDeprecatedV1Data: settings.acceptDeprecatedV1Data,
          allowPrivilegedSecretTypes: settings.allowPrivilegedSecretTypes,
          renderTemplates: settings.renderTemplates ? renderer : undefined,
          keyGuard: settings.keyGuard,
        });
        reply = { id: msg.id, ok: true, decision };
      } catch (err) {
        reply = { id: msg.id, ok: false, message: err instanceof Error ? err.message : "error" };
      }
      port.postMessage(reply);
      return;
    }
  }
});
