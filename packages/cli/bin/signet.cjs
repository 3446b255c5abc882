#!/usr/bin/env node
"use strict";
// Prefer the single-file CommonJS bundle (fastest start); fall back to the tsc output (ESM)
// during development, before `npm run bundle` has run.
try {
  require("../dist/signet.bundle.cjs");
} catch (err) {
  if (err?.code !== "MODULE_NOT_FOUND" || !String(err.message).includes("signet.bundle.cjs"))
    throw err;
  import("../dist/main.js");
}
