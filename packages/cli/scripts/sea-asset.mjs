// Loads a CommonJS bundle the single-file executable carries as an asset (see bundle.mjs): compiled
// only when first needed, so it costs nothing on the paths that never reach it (an offline seal).
// The asset is self-contained; its require() may only reach Node.js built-in modules.
import { getAsset } from "node:sea";
import { compileFunction } from "node:vm";

/** Evaluates the asset `name` as a CommonJS module and returns its exports. */
export function loadAsset(name) {
  const source = getAsset(name, "utf8");
  const requireBuiltin = (id) => {
    const builtin = process.getBuiltinModule(id);
    if (builtin === undefined)
      throw new Error(`${name}: require(${JSON.stringify(id)}) is not a built-in`);
    return builtin;
  };
  const module = { exports: {} };
  const factory = compileFunction(source, ["module", "exports", "require"], { filename: name });
  factory(module, module.exports, requireBuiltin);
  return module.exports;
}
