// The "Upload Model" dialog: a pickle, the Python version it was made with, and the
// upload's progress. A rejected upload shows the server's ProblemDetails detail.

import { errorMessage, get, uploadForm } from "../api.js";
import { formatBytes, h } from "../dom.js";

/** The runtimes on offer, fetched once per page load. */
let runtimes = null;

async function loadRuntimes() {
  runtimes ??= get("/api/runtimes").catch((error) => {
    runtimes = null;
    throw error;
  });
  return runtimes;
}

/**
 * Opens the dialog for `model`. `onUploaded` gets the upload receipt after the gateway accepted
 * the file, and `onRejected` is called after the gateway rejected it, while the dialog stays open.
 */
export function openUploadDialog({ model, onUploaded, onRejected }) {
  const file = h("input", { id: "upload-file", name: "file", type: "file", accept: ".pkl,.pickle,application/octet-stream", required: true });
  const python = h("select", { id: "upload-python", name: "python_version", required: true, disabled: true },
    h("option", { value: "" }, "Loading runtimes\u2026"));
  const progress = h("progress", { id: "upload-progress", max: "100", value: "0", hidden: true });
  const progressText = h("span", { id: "upload-progress-text", class: "subtle", "aria-live": "polite" });
  const error = h("p", { id: "upload-error", class: "form-error", role: "alert", hidden: true });
  const submit = h("button", { id: "upload-submit", type: "submit", class: "button primary" }, "Upload");
  const cancel = h("button", { id: "upload-cancel", type: "button", class: "button secondary" }, "Cancel");
  let pending = null;

  const dialog = h(
    "dialog",
    { id: "upload-dialog", class: "dialog", "aria-labelledby": "upload-title" },
    h("form", { method: "dialog", onsubmit: (event) => start(event) },
      h("h2", { id: "upload-title" }, `Upload Model: ${model.name}`),
      h("p", { class: "subtle" }, "A cloudpickled predict(live_features) function. The upload replaces the current one and starts a run on the open round."),
      h("label", { for: "upload-file" }, "Pickle file"),
      file,
      h("label", { for: "upload-python" }, "Python version the pickle was made with"),
      python,
      h("div", { class: "progress-row" }, progress, progressText),
      error,
      h("div", { class: "form-actions" }, cancel, submit)),
  );

  cancel.addEventListener("click", () => {
    pending?.abort();
    dialog.close();
  });
  dialog.addEventListener("close", () => {
    pending?.abort();
    dialog.remove();
  });

  document.body.append(dialog);
  dialog.showModal();
  fillRuntimes();

  async function fillRuntimes() {
    try {
      const list = await loadRuntimes();
      python.replaceChildren(...list.map((runtime) =>
        h("option", { value: runtime.pythonVersion, selected: runtime.isDefault },
          `Python ${runtime.fullPythonVersion || runtime.pythonVersion}${runtime.isDefault ? " (default)" : ""}`)));
      python.disabled = false;
    } catch (failure) {
      python.replaceChildren(h("option", { value: "" }, "No runtimes"));
      showError(`The runtimes could not be loaded: ${errorMessage(failure)}`);
    }
  }

  async function start(event) {
    event.preventDefault();
    error.hidden = true;
    const chosen = file.files?.[0];
    if (!chosen) {
      showError("Choose the pickle file to upload.");
      return;
    }

    if (!python.value) {
      showError("Choose the Python version the pickle was made with.");
      return;
    }

    const form = new FormData();
    form.append("python_version", python.value);
    form.append("file", chosen, chosen.name);

    submit.disabled = true;
    file.disabled = true;
    python.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    progressText.textContent = `0 of ${formatBytes(chosen.size)}`;
    pending = uploadForm(`/api/models/${encodeURIComponent(model.modelId)}/upload`, form, (sent, total) => {
      progress.value = total > 0 ? Math.round((sent / total) * 100) : 100;
      progressText.textContent = `${formatBytes(sent)} of ${formatBytes(total)}`;
    });

    let receipt;
    try {
      receipt = await pending.promise;
    } catch (failure) {
      pending = null;
      progress.hidden = true;
      progressText.textContent = "";
      showError(errorMessage(failure));
      submit.disabled = false;
      file.disabled = false;
      python.disabled = false;
      if (failure.status > 0) {
        onRejected?.();
      }

      return;
    }

    pending = null;
    dialog.close();
    await onUploaded(receipt);
  }

  function showError(text) {
    error.textContent = text;
    error.hidden = false;
  }
}
