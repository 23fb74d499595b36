// Run statuses as the API names them, their badges, and the poll interval of runs in progress.

import { h } from "./dom.js";

/** Milliseconds between two polls of a run that is still in progress. */
export const POLL_INTERVAL_MS = 1500;

const TERMINAL = new Set(["Success", "Failed", "Error"]);

/** Returns whether a run status is final: Success, Failed or Error. Pending, Running and Validating are in progress. */
export function isTerminal(status) {
  return TERMINAL.has(status);
}

/** Returns a badge for a run status, with the status in data-status for styles and tests. */
export function statusBadge(status) {
  return h("span", { class: `badge status-${String(status).toLowerCase()}`, dataset: { status } }, status);
}

/** Returns the label of a run kind: "Live run" predicts on a round, "Validation run" makes the diagnostics. */
export function kindLabel(kind) {
  return kind === "Validation" ? "Validation run" : "Live run";
}

/**
 * Calls `step` now and then every `intervalMs` after the previous call settled, until
 * `step` returns false or the returned function is called. Calls never overlap.
 */
export function poll(step, intervalMs = POLL_INTERVAL_MS) {
  let stopped = false;
  let timer = null;

  const tick = async () => {
    timer = null;
    let again = true;
    try {
      again = (await step()) !== false;
    } catch (error) {
      // A failed poll is retried at the next tick, and the step shows its own errors.
      console.warn("poll failed", error);
    }

    if (again && !stopped) {
      timer = setTimeout(tick, intervalMs);
    }
  };

  tick();
  return () => {
    stopped = true;
    if (timer !== null) {
      clearTimeout(timer);
    }
  };
}
