// The models table: one row per model of the caller, with its upload, latest submission
// round and the status of its newest runs, polled while they are in progress.

import { download, errorMessage, get, post, remove } from "../api.js";
import { formatBytes, formatTime, h, replaceChildren } from "../dom.js";
import { isTerminal, kindLabel, poll, statusBadge } from "../runs.js";
import { openUploadDialog } from "./upload-dialog.js";

/**
 * Runs that a row watches: the two newest, because an upload starts a live run and a
 * validation run, and a trigger starts one live run.
 */
const WATCHED_RUNS = 2;

export function showModels({ view, showNotice }) {
  /** Model id to { model, runs: Map of run id to run }, in the order of the table. */
  const entries = new Map();
  const body = h("tbody");
  const nameInput = h("input", { id: "new-model-name", name: "name", placeholder: "my-model", maxlength: "100", required: true });

  const table = h(
    "table",
    { id: "models-table", class: "models" },
    h("thead", {}, h("tr", {}, ["Model", "Upload", "Round", "Status", "Actions"].map((title) => h("th", { scope: "col" }, title)))),
    body,
  );

  replaceChildren(
    view,
    h("div", { class: "view-header" },
      h("div", {}, h("h1", {}, "Models"),
        h("p", { class: "subtle" }, "Each upload runs on the open round and, when validation data is staged, on the validation eras for diagnostics.")),
      h("form", { class: "inline-form", onsubmit: createModel },
        h("label", { for: "new-model-name", class: "visually-hidden" }, "Name of the new model"),
        nameInput,
        h("button", { id: "create-model", type: "submit", class: "button primary" }, "New model"))),
    table,
  );
  body.append(messageRow("Loading models\u2026"));

  async function createModel(event) {
    event.preventDefault();
    const name = nameInput.value.trim();
    if (!name) {
      showNotice("Type a name for the new model.");
      return;
    }

    try {
      const model = await post("/api/models", { name });
      nameInput.value = "";
      const rest = [...entries];
      entries.clear();
      entries.set(model.modelId, { model, runs: new Map() });
      rest.forEach(([id, entry]) => entries.set(id, entry));
      showNotice("");
      renderTable();
    } catch (error) {
      showNotice(errorMessage(error));
    }
  }

  async function load() {
    try {
      const models = await get("/api/models");
      models.forEach((model) => entries.set(model.modelId, { model, runs: new Map() }));
      renderTable();
      await Promise.all([...entries.values()].map((entry) => refreshRuns(entry)));
    } catch (error) {
      replaceChildren(body, messageRow(errorMessage(error)));
    }
  }

  /** Fetches the watched runs that are unknown or still in progress, then redraws the row. */
  async function refreshRuns(entry) {
    const watched = entry.model.runIds.slice(0, WATCHED_RUNS);
    for (const runId of [...entry.runs.keys()]) {
      if (!watched.includes(runId)) {
        entry.runs.delete(runId);
      }
    }

    await Promise.all(watched.map(async (runId) => {
      const known = entry.runs.get(runId);
      if (!known || !isTerminal(known.status)) {
        entry.runs.set(runId, await get(`/api/runs/${encodeURIComponent(runId)}`));
      }
    }));
    renderRow(entry);
  }

  /** Polls each row whose watched runs are in progress. When one ends, the model is reloaded for its new submission. */
  async function pollRuns() {
    const active = [...entries.values()].filter((entry) => [...entry.runs.values()].some((run) => !isTerminal(run.status)));
    await Promise.all(active.map(async (entry) => {
      const before = new Map([...entry.runs].map(([id, run]) => [id, run.status]));
      await refreshRuns(entry);
      const ended = [...entry.runs.values()].some((run) => isTerminal(run.status) && !isTerminal(before.get(run.runId)));
      if (ended) {
        entry.model = await get(`/api/models/${encodeURIComponent(entry.model.modelId)}`);
        renderRow(entry);
      }
    }));
  }

  function renderTable() {
    if (entries.size === 0) {
      replaceChildren(body, messageRow("No models yet. Create one with New model, then upload a pickle to it."));
      return;
    }

    replaceChildren(body, [...entries.values()].map((entry) => rowOf(entry)));
  }

  function renderRow(entry) {
    const current = body.querySelector(`tr[data-model-id="${CSS.escape(entry.model.modelId)}"]`);
    if (current) {
      current.replaceWith(rowOf(entry));
    }
  }

  function rowOf(entry) {
    const { model } = entry;
    return h(
      "tr",
      { dataset: { modelId: model.modelId } },
      h("td", { class: "model-name" }, h("strong", {}, model.name), h("div", { class: "subtle mono" }, model.modelId)),
      uploadCell(model),
      roundCell(model),
      statusCell(entry),
      actionsCell(entry),
    );
  }

  function actionsCell(entry) {
    const { model } = entry;
    const round = latestRound(model);
    const hasUpload = Boolean(model.upload);
    const id = encodeURIComponent(model.modelId);
    const buttons = [
      h("button", { type: "button", class: "button primary small upload-model", onclick: () => upload(entry) }, "Upload Model"),
      h("button", {
        type: "button",
        class: "button secondary small trigger-run",
        disabled: !hasUpload,
        title: hasUpload ? "Run the upload again on the open round" : "Upload a pickle first",
        onclick: () => trigger(entry),
      }, "Run again"),
      h("button", {
        type: "button",
        class: "button secondary small download-csv",
        disabled: round === null,
        title: round === null ? "No round has a submission yet" : `Download the submission of round ${round}`,
        onclick: () => save(entry, round),
      }, "Download CSV"),
      h("button", {
        type: "button",
        class: "button danger small remove-upload",
        disabled: !hasUpload,
        onclick: () => removeUpload(entry),
      }, "Remove upload"),
      h("a", { class: "diagnostics-link", href: `#/models/${id}/diagnostics` }, "Diagnostics"),
    ];
    return h("td", { class: "actions" }, h("div", { class: "action-buttons" }, buttons));
  }

  function upload(entry) {
    openUploadDialog({
      model: entry.model,
      onUploaded: async (receipt) => {
        entry.model = receipt.model;
        entry.runs.clear();
        showNotice(receipt.liveRunId ? "" : "The upload is stored, but no round is open, so no live run started.", "info");
        try {
          await refreshRuns(entry);
        } catch (error) {
          showNotice(errorMessage(error));
        }
      },
      onRejected: async () => {
        // The model may have changed elsewhere, as a compute setting enabled through the API does.
        try {
          entry.model = await get(`/api/models/${encodeURIComponent(entry.model.modelId)}`);
          renderRow(entry);
        } catch (error) {
          showNotice(errorMessage(error));
        }
      },
    });
  }

  async function trigger(entry) {
    try {
      const { runId } = await post(`/api/models/${encodeURIComponent(entry.model.modelId)}/trigger`);
      entry.model = await get(`/api/models/${encodeURIComponent(entry.model.modelId)}`);
      showNotice(`Started run ${runId}.`, "info");
      await refreshRuns(entry);
    } catch (error) {
      showNotice(errorMessage(error));
    }
  }

  async function removeUpload(entry) {
    if (!confirm(`Remove the upload of ${entry.model.name}? Its runs and submissions stay, but it takes no new rounds until you upload again.`)) {
      return;
    }

    try {
      entry.model = await remove(`/api/models/${encodeURIComponent(entry.model.modelId)}/upload`);
      showNotice("");
      renderRow(entry);
    } catch (error) {
      showNotice(errorMessage(error));
    }
  }

  async function save(entry, round) {
    try {
      await download(`/api/models/${encodeURIComponent(entry.model.modelId)}/submissions/${round}`, `${entry.model.name}-round-${round}.csv`);
    } catch (error) {
      showNotice(errorMessage(error));
    }
  }

  load();
  return poll(pollRuns);
}

function uploadCell(model) {
  // An upload needs the compute setting disabled, so the row shows when it is enabled.
  const compute = model.computeEnabled
    ? h("div", { class: "compute-enabled" }, "Compute setting enabled: disable it to upload")
    : null;
  if (!model.upload) {
    return h("td", { class: "model-upload" }, h("span", { class: "subtle" }, "No upload"), compute);
  }

  const { fileName, pythonVersion, sizeBytes, uploadedAt } = model.upload;
  return h(
    "td",
    { class: "model-upload" },
    h("span", { class: "file-name" }, fileName),
    h("div", { class: "subtle" }, `Python ${pythonVersion} \u00b7 ${formatBytes(sizeBytes)} \u00b7 ${formatTime(uploadedAt)}`),
    compute,
  );
}

function roundCell(model) {
  const round = latestRound(model);
  if (round === null) {
    return h("td", { class: "model-round" }, h("span", { class: "subtle" }, "\u2013"));
  }

  const submission = model.submissions[round];
  return h("td", { class: "model-round", dataset: { round: String(round) } },
    `Round ${round}`, h("div", { class: "subtle" }, `${submission.rows} predictions`));
}

/** Returns the status cell: the newest run, and the one before it when that is of the other kind. */
function statusCell(entry) {
  const { model } = entry;
  const [newestId, previousId] = model.runIds;
  const newest = entry.runs.get(newestId);
  const cell = h("td", { class: "run-status", dataset: { status: newest?.status ?? "" } });
  if (model.disabled) {
    cell.append(h("p", { class: "run-description failure" }, `Disabled by an administrator: ${model.disabledReason ?? ""}`));
  }

  if (!newestId) {
    cell.append(h("span", { class: "subtle" }, "No runs"));
    return cell;
  }

  if (!newest) {
    cell.append(h("span", { class: "subtle" }, "Loading\u2026"));
    return cell;
  }

  cell.append(runLine(newest));
  const previous = entry.runs.get(previousId);
  if (previous && previous.kind !== newest.kind) {
    cell.append(runLine(previous));
  }

  return cell;
}

function runLine(run) {
  const failed = run.status === "Failed" || run.status === "Error";
  const reason = run.reason && run.reason !== "None" ? run.reason : null;
  const details = [kindLabel(run.kind), run.kind === "Live" ? `round ${run.round}` : null,
    run.status === "Pending" && run.queuePosition ? `queue position ${run.queuePosition}` : null].filter(Boolean).join(", ");
  return h(
    "div",
    { class: "run-line", dataset: { runId: run.runId, status: run.status, kind: run.kind } },
    statusBadge(run.status),
    reason ? h("span", { class: "reason" }, reason) : null,
    " ",
    h("a", { href: `#/runs/${encodeURIComponent(run.runId)}`, class: "run-link" }, details),
    failed ? h("p", { class: "run-description failure" }, run.description) : null,
  );
}

/** Returns the highest round with a stored submission, or null. The JSON keys of the submissions are round numbers. */
function latestRound(model) {
  const rounds = Object.keys(model.submissions ?? {}).map(Number).filter(Number.isInteger);
  return rounds.length === 0 ? null : Math.max(...rounds);
}

function messageRow(text) {
  return h("tr", { class: "message-row" }, h("td", { colspan: "5" }, text));
}
