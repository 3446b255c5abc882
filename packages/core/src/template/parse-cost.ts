import { budgetFault } from "./failure.js";
import type { Budget, Meter } from "./exec.js";

/**
 * Parsing is charged against the render's step budget before it starts, since the parser has no
 * meter of its own and one object's templates may hold a megabyte: 1.4 MB of small actions took
 * 1.1-1.4 s to parse, a 1.4 MB string literal 0.6 s, blocking the controller that long per
 * object. Measured on these machines (Node 26), an action costs about 9-16 µs and a byte inside
 * one about 0.4 µs, while text outside actions is only scanned for the next `{{`; with the step
 * budget (1e6 steps for the controller's 250 ms) worth about 0.25 µs a step, an action is charged
 * 64 steps and a byte inside one 2. So the templates of one object may hold about 15,000 actions
 * or 500 kB inside actions, and any amount of plain text around them.
 */
const STEPS_PER_ACTION = 64;
const STEPS_PER_ACTION_BYTE = 2;

/**
 * The steps parsing `source` is charged: its actions (from `{{` to the `}}` that ends it, as the
 * lexer finds it: not one inside a string, raw string, character constant or comment) and their
 * bytes.
 */
export function parseSteps(source: string): number {
  let steps = 0;
  for (let at = 0; ;) {
    const open = source.indexOf("{{", at);
    if (open < 0) return steps;
    const end = actionEnd(source, open + 2);
    steps += STEPS_PER_ACTION + STEPS_PER_ACTION_BYTE * (end - open);
    at = end;
  }
}

/** Where the action whose text starts at `from` ends (after its `}}`; the text's end if never). */
function actionEnd(source: string, from: number): number {
  let i = from;
  if (/^-?\s*\/\*/.test(source.slice(i, i + 4))) {
    const close = source.indexOf("*/", source.indexOf("/*", i) + 2);
    i = close < 0 ? source.length : close + 2;
  }
  while (i < source.length) {
    const c = source[i];
    if (c === "}" && source[i + 1] === "}") return i + 2;
    if (c === '"' || c === "'") i = quotedEnd(source, i + 1, c);
    else if (c === "`") {
      const close = source.indexOf("`", i + 1);
      i = close < 0 ? source.length : close + 1;
    } else i++;
  }
  return source.length;
}

/** After a string or character constant opened before `from` (escapes skipped; ends at a line end). */
function quotedEnd(source: string, from: number, quote: string): number {
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (c === quote || c === "\n") return i + 1;
  }
  return source.length;
}

/** Charges the parse of `source` to `meter`; throws ERR_TEMPLATE_BUDGET when it is over. */
export function chargeParse(source: string, meter: Meter, budget: Budget): void {
  meter.steps += parseSteps(source);
  if (meter.steps > budget.maxSteps) throw budgetFault("step budget exceeded");
}

/** After a parse: the time budget counts it too. */
export function checkParseTime(meter: Meter, budget: Budget, now: number): void {
  if (now - meter.started > budget.maxMillis) throw budgetFault("time budget exceeded");
}
