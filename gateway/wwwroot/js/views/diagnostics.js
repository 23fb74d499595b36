// The diagnostics page: a bar per validation era's correlation, the cumulative correlation
// and the summary statistics. While the validation run is in progress the page waits for it.

import { errorMessage, get } from "../api.js";
import { cumulativeLineChart, eraBarChart } from "../charts.js";
import { formatNumber, h, replaceChildren } from "../dom.js";
import { poll } from "../runs.js";

/** Milliseconds between two checks while the diagnostics are not ready. */
const WAIT_INTERVAL_MS = 2000;

export function showDiagnostics({ view }, modelId) {
  const title = h("h1", {}, "Diagnostics");
  const body = h("div", { id: "diagnostics" }, h("p", { class: "subtle" }, "Loading\u2026"));
  replaceChildren(view, h("p", {}, h("a", { href: "#/" }, "\u2190 Models")), title, body);

  let model = null;

  async function refresh() {
    try {
      model ??= await get(`/api/models/${encodeURIComponent(modelId)}`);
      replaceChildren(title, `Diagnostics: ${model.name}`);
      render(await get(`/api/models/${encodeURIComponent(modelId)}/diagnostics`));
      return false;
    } catch (error) {
      // 409 means the validation run is still in progress: wait for it. Anything else is final.
      const waiting = error.status === 409;
      replaceChildren(body, h("p", { id: "diagnostics-message", class: waiting ? "card" : "card failure" }, errorMessage(error),
        waiting ? h("span", { class: "subtle" }, " This page updates when they are ready.") : null,
        model?.validationRunId
          ? h("span", {}, " ", h("a", { href: `#/runs/${encodeURIComponent(model.validationRunId)}` }, "Open the validation run"))
          : null));
      return waiting;
    }
  }

  function render(diagnostics) {
    const eras = diagnostics.eras;
    const rows = [
      ["Eras", String(eras.length)],
      ["Rows with a target", String(diagnostics.rows)],
      ["Mean correlation", formatNumber(diagnostics.mean)],
      ["Standard deviation", formatNumber(diagnostics.standardDeviation)],
      ["Sharpe (mean / standard deviation)", formatNumber(diagnostics.sharpe, 3)],
      ["Max drawdown of the cumulative correlation", formatNumber(diagnostics.maxDrawdown)],
      ["Max feature exposure", diagnostics.maxExposureFeature
        ? `${formatNumber(diagnostics.maxFeatureExposure)} (${diagnostics.maxExposureFeature})`
        : formatNumber(diagnostics.maxFeatureExposure)],
    ];

    replaceChildren(
      body,
      eras.length === 0
        ? h("p", { class: "card" }, "The validation data has no era with a target, so there is nothing to chart.")
        : [
          h("figure", { class: "card chart-card" }, h("figcaption", {}, "Correlation per era"), eraBarChart(eras)),
          h("figure", { class: "card chart-card" }, h("figcaption", {}, "Cumulative correlation"), cumulativeLineChart(eras)),
        ],
      h("section", { class: "card" },
        h("h2", {}, "Summary"),
        h("table", { id: "diagnostics-summary", class: "summary" },
          h("tbody", {}, rows.map(([name, value]) => h("tr", {}, h("th", { scope: "row" }, name), h("td", {}, value)))))),
      h("details", { class: "card" },
        h("summary", {}, "Correlation of each era"),
        h("table", { class: "summary" },
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Era"), h("th", { scope: "col" }, "Correlation"), h("th", { scope: "col" }, "Rows"))),
          h("tbody", {}, eras.map((era) =>
            h("tr", {}, h("td", {}, era.era), h("td", {}, formatNumber(era.correlation)), h("td", {}, String(era.rows))))))),
    );
  }

  return poll(refresh, WAIT_INTERVAL_MS);
}
