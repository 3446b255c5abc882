#!/usr/bin/env node
// Prefer the single-file bundle (faster start); fall back to the tsc output during development.
try {
  await import("../dist/signet.bundle.mjs");
} catch (err) {
  if (err?.code !== "ERR_MODULE_NOT_FOUND") throw err;
  await import("../dist/main.js");
}
