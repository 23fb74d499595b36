// The run page: the run's facts, its status timeline and its log, refreshed while the run is in progress.

import { errorMessage, get } from "../api.js";
import { formatBytes, formatTime, h, replaceChildren } from "../dom.js";
import { isTerminal, kindLabel, poll, statusBadge } from "../runs.js";

/** Lines of the log kept on the page. GET /api/runs/{runId}/log returns the whole log. */
const MAX_LOG_LINES = 5000;

export function showRun({ view, showNotice }, runId) {
  const title = h("h1", {}, `Run ${runId}`);
  const summary = h("div", { id: "run-summary", class: "card" }, h("p", { class: "subtle" }, "Loading\u2026"));
  const timeline = h("ol", { id: "run-timeline", class: "timeline" });
  const log = h("pre", { id: "run-log", class: "log", tabindex: "0" });
  const logState = h("span", { id: "run-log-state", class: "subtle" });
  let modelName = null;

  replaceChildren(
    view,
    h("p", {}, h("a", { href: "#/" }, "\u2190 Models")),
    title,
    summary,
    h("section", { class: "card" }, h("h2", {}, "Status timeline"), timeline),
    h("section", { class: "card" }, h("div", { class: "section-header" }, h("h2", {}, "Log"), logState), log),
  );

  async function refresh() {
    let run;
    try {
      run = await get(`/api/runs/${encodeURIComponent(runId)}`);
    } catch (error) {
      showNotice(errorMessage(error));
      return error.status !== 404;
    }

    if (modelName === null) {
      modelName = await get(`/api/models/${encodeURIComponent(run.modelId)}`).then((model) => model.name, () => run.modelId);
    }

    renderRun(run);
    await refreshLog(run);
    return !isTerminal(run.status);
  }

  function renderRun(run) {
    replaceChildren(title, `${kindLabel(run.kind)} ${run.runId} `, statusBadge(run.status));
    const facts = [
      ["Model", modelName],
      ["Kind", kindLabel(run.kind)],
      ["Round", run.kind === "Live" ? String(run.round) : "validation eras"],
      ["Status", run.reason && run.reason !== "None" ? `${run.status} (${run.reason})` : run.status],
      ["Python", run.pythonVersion],
      ["Attempt", String(run.attempt)],
      run.queuePosition ? ["Queue position", String(run.queuePosition)] : null,
      run.containerName ? ["Container", run.containerName] : null,
      run.containerStartedAt ? ["Container started", formatTime(run.containerStartedAt)] : null,
      run.finishedAt ? ["Finished", formatTime(run.finishedAt)] : null,
      run.peakMemoryBytes ? ["Peak memory", formatBytes(run.peakMemoryBytes)] : null,
      run.submission ? ["Submission", `${run.submission.rows} predictions for round ${run.submission.round}`] : null,
      ["Pickle SHA-256", run.pickleSha256],
    ].filter(Boolean);

    const failed = run.status === "Failed" || run.status === "Error";
    replaceChildren(
      summary,
      h("p", { id: "run-description", class: failed ? "run-description failure" : "run-description" }, run.description),
      h("dl", { class: "facts" }, facts.map(([term, value]) => [h("dt", {}, term), h("dd", {}, value)])),
      run.kind === "Validation" && run.status === "Success"
        ? h("p", {}, h("a", { href: `#/models/${encodeURIComponent(run.modelId)}/diagnostics` }, "Open the diagnostics"))
        : null,
    );

    replaceChildren(timeline, run.history.map((change) =>
      h("li", { dataset: { status: change.status } },
        statusBadge(change.status),
        h("time", { datetime: change.at }, formatTime(change.at)),
        h("span", { class: "timeline-description" }, change.description))));
  }

  async function refreshLog(run) {
    let text;
    try {
      text = await get(`/api/runs/${encodeURIComponent(runId)}/log`);
    } catch (error) {
      logState.textContent = `The log could not be read: ${errorMessage(error)}`;
      return;
    }

    const lines = String(text ?? "").split("\n");
    const lastLines = lines.length > MAX_LOG_LINES ? lines.slice(-MAX_LOG_LINES) : lines;

    // Follow the tail only when the reader is already at the bottom, so scrolling up to read is not undone.
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 24;
    log.textContent = lastLines.join("\n");
    if (atBottom) {
      log.scrollTop = log.scrollHeight;
    }

    const cut = lines.length > MAX_LOG_LINES ? `, showing the last ${MAX_LOG_LINES} of ${lines.length} lines` : "";
    logState.textContent = isTerminal(run.status)
      ? `The run ended${cut}.`
      : `Refreshed ${new Date().toISOString().slice(11, 19)} UTC while the run is in progress${cut}.`;
  }

  return poll(refresh);
}
