// Preload for start-up tests: prints a marker to stderr whenever @kubernetes/client-node is
// resolved, through the ESM loader (import()) or through require().
"use strict";
const { register } = require("node:module");

const MARKER = "LOADED client-node\n";
const hook = `export async function resolve(specifier, context, next) {
  if (specifier.startsWith("@kubernetes/client-node")) process.stderr.write(${JSON.stringify(MARKER)});
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);

const Module = require("node:module");
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request.startsWith("@kubernetes/client-node")) process.stderr.write(MARKER);
  return resolveFilename.call(this, request, ...rest);
};
