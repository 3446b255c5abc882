import { errorMessage } from "./dom.js";
import { expiredMessage, expiryOf } from "../certificate.js";
import type { DraftCheck } from "../draft.js";
import type { Sealer, SealedOutput } from "../seal-flow.js";
import type { CertificatePanel } from "./certificate-panel.js";
import type { PageEnv } from "./env.js";
import type { OutputPanel } from "./output-panel.js";
import { clearProblems, showFailure, showProblems } from "./problems.js";

/** What a Seal button needs: the page's parts and where to show problems. */
export interface SealContext {
  env: PageEnv;
  certificates: CertificatePanel;
  output: OutputPanel;
  announce(text: string): void;
  form: HTMLElement;
  summary: HTMLElement;
  button: HTMLButtonElement;
}

/** The steps of one seal, supplied by the panel. */
export interface SealSteps {
  /** Waits for pending file reads, then checks what was typed. */
  check(): Promise<DraftCheck>;
  seal(sealer: Sealer): Promise<SealedOutput>;
  /** The sentence above the output. */
  describe(output: SealedOutput, warnings: readonly string[]): string;
}

/**
 * Seal button behaviour shared by both forms: certificate present and not expired (kubeseal's
 * rule), no field problems, then seal in the browser and show the result. Failures name what
 * to fix; nothing is sent anywhere.
 */
export async function runSeal(ctx: SealContext, steps: SealSteps): Promise<void> {
  const { env, form, summary, button } = ctx;
  const certificate = ctx.certificates.current();
  if (!certificate || !env.subtle) {
    const reason = env.subtle
      ? "Load the controller's sealing certificate first (step 1)."
      : "This browser does not offer WebCrypto here: open the page over HTTPS or on localhost.";
    return showFailure(form, summary, reason);
  }
  if (expiryOf(certificate.info, env.now()).state === "expired") {
    return showFailure(form, summary, expiredMessage(certificate.info));
  }
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    const check = await steps.check();
    if (check.problems.length > 0) return showProblems(form, summary, check.problems);
    clearProblems(form, summary);
    const output = await steps.seal({
      key: certificate.key,
      fingerprint: certificate.info.fingerprint,
      subtle: env.subtle,
      random: env.random,
    });
    const note = steps.describe(output, check.warnings);
    ctx.output.show(output, note);
    ctx.announce(note);
  } catch (err) {
    const message = errorMessage(err);
    showFailure(form, summary, message);
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

/** "1 value" / "3 values". */
export function values(count: number): string {
  return count === 1 ? "1 value" : `${count} values`;
}
