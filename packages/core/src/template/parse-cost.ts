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

/** The steps parsing `source` is charged: its actions (from `{{` to `}}`) and their bytes. */
export function parseSteps(source: string): number {
  let steps = 0;
  for (let at = 0; ;) {
    const open = source.indexOf("{{", at);
    if (open < 0) return steps;
    const close = source.indexOf("}}", open + 2);
    const end = close < 0 ? source.length : close + 2;
    steps += STEPS_PER_ACTION + STEPS_PER_ACTION_BYTE * (end - open);
    at = end;
  }
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
