import type { FuncDef } from "../funcs.js";
import { aesFuncs } from "./aes.js";
import { collectionFuncs } from "./collections.js";
import { dateFuncs } from "./dates.js";
import { defaultFuncs } from "./defaults.js";
import { encodingFuncs } from "./encoding.js";
import { jsonFuncs } from "./json.js";
import { mathFuncs } from "./math.js";
import { pathFuncs } from "./paths.js";
import { randomFuncs } from "./random.js";
import { regexFuncs } from "./regex.js";
import { semverFuncs } from "./semver.js";
import { stringFuncs } from "./strings.js";
import { miscFuncs } from "./url.js";

/**
 * The sprig v3.3.0 "generic" function map as the Sealed Secrets controller uses it: without
 * `env`, `expandenv` and `getHostByName` (removed upstream in v0.30.0), so those names are
 * parse errors ("function not defined"), exactly like the reference.
 */
export function sprigFuncs(): Map<string, FuncDef> {
  return new Map<string, FuncDef>([
    ...stringFuncs(),
    ...collectionFuncs(),
    ...defaultFuncs(),
    ...jsonFuncs(),
    ...encodingFuncs(),
    ...mathFuncs(),
    ...dateFuncs(),
    ...pathFuncs(),
    ...randomFuncs(),
    ...regexFuncs(),
    ...semverFuncs(),
    ...miscFuncs(),
    ...aesFuncs(),
  ]);
}
