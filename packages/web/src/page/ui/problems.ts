import type { FieldProblem } from "../draft.js";
import { h, icon, replaceChildren } from "./dom.js";

/**
 * Problems shown twice, as accessible forms do: a summary at the top of the form (focused, each
 * entry a link to its control) and a message under each control (`aria-invalid`, and the
 * control's `aria-describedby` already names the message element `<id>-error`).
 */
export function showProblems(
  form: HTMLElement,
  summary: HTMLElement,
  problems: readonly FieldProblem[],
): void {
  clearProblems(form, summary);
  if (problems.length === 0) return;
  for (const problem of problems) {
    const control = document.getElementById(problem.field);
    control?.setAttribute("aria-invalid", "true");
    const message = document.getElementById(`${problem.field}-error`);
    if (message) {
      message.textContent = problem.message;
      message.hidden = false;
    }
  }
  const list = h("ul", {});
  for (const problem of problems) {
    const link = h(
      "a",
      { href: `#${problem.field}` },
      `${labelOf(problem.field)}${problem.message}`,
    );
    link.addEventListener("click", (event) => {
      event.preventDefault();
      document.getElementById(problem.field)?.focus();
    });
    list.appendChild(h("li", {}, link));
  }
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  replaceChildren(summary, h("h3", {}, icon("error"), ` Fix ${count} to seal`), list);
  summary.hidden = false;
  summary.focus();
}

/** One failure that is not about a field (a parse error, an expired certificate). */
export function showFailure(form: HTMLElement, summary: HTMLElement, message: string): void {
  clearProblems(form, summary);
  replaceChildren(summary, h("h3", {}, icon("error"), " Could not seal"), h("p", {}, message));
  summary.hidden = false;
  summary.focus();
}

export function clearProblems(form: HTMLElement, summary: HTMLElement): void {
  summary.hidden = true;
  replaceChildren(summary);
  for (const element of form.querySelectorAll("[aria-invalid]")) {
    element.removeAttribute("aria-invalid");
  }
  for (const element of form.querySelectorAll<HTMLElement>(".field-error")) {
    element.hidden = true;
    element.textContent = "";
  }
}

/**
 * "Name: ", "Key of value 2: "... (the control's `data-summary-label`, else its label), so a
 * summary entry says what it is about.
 */
function labelOf(field: string): string {
  const control = document.getElementById(field);
  const label =
    control?.dataset["summaryLabel"] ??
    document.querySelector<HTMLElement>(`label[for="${CSS.escape(field)}"]`)?.innerText.trim();
  return label ? `${label}: ` : "";
}
