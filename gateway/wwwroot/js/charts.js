// The diagnostics charts, drawn as inline SVG: a bar per era's correlation and the line of
// the cumulative correlation. Both share one layout, so an era sits at the same x in each.

import { svg } from "./dom.js";

const WIDTH = 760;
const HEIGHT = 280;
const MARGIN = { top: 16, right: 20, bottom: 60, left: 64 };
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom;

/** Narrowest space, in SVG units, that one unrotated era label needs. */
const LABEL_SPACE = 44;

/** Returns an SVG bar chart of each era's correlation, positive bars above the zero line and negative ones below. */
export function eraBarChart(eras) {
  const values = eras.map((era) => era.correlation);
  const scale = valueScale(values);
  const band = PLOT_WIDTH / eras.length;
  const barWidth = Math.max(1, band * 0.7);

  const bars = eras.map((era, index) => {
    const top = scale.y(Math.max(era.correlation, 0));
    const bottom = scale.y(Math.min(era.correlation, 0));
    return svg(
      "rect",
      {
        class: `bar ${era.correlation < 0 ? "negative" : "positive"}`,
        x: MARGIN.left + index * band + (band - barWidth) / 2,
        y: top,
        width: barWidth,
        height: Math.max(bottom - top, 0.5),
        dataset: { era: era.era, correlation: String(era.correlation) },
      },
      svg("title", {}, `Era ${era.era}: correlation ${era.correlation.toFixed(4)} over ${era.rows} rows`),
    );
  });

  return chart(
    "era-bars",
    `Correlation of each of ${eras.length} eras, from ${Math.min(...values).toFixed(4)} to ${Math.max(...values).toFixed(4)}`,
    scale,
    eras,
    "Correlation",
    svg("g", { class: "bars" }, bars),
  );
}

/** Returns an SVG line of the running sum of the era correlations, with a point per era. */
export function cumulativeLineChart(eras) {
  let sum = 0;
  const totals = eras.map((era) => (sum += era.correlation));
  const scale = valueScale(totals);
  const band = PLOT_WIDTH / eras.length;
  const points = totals.map((total, index) => ({
    x: MARGIN.left + index * band + band / 2,
    y: scale.y(total),
    total,
    era: eras[index].era,
  }));

  const path = points.map((point, index) => `${index === 0 ? "M" : "L"}${point.x.toFixed(2)},${point.y.toFixed(2)}`).join(" ");
  const line = svg("path", { class: "line", d: path });
  const markers = points.map((point) =>
    svg(
      "circle",
      { class: "point", cx: point.x, cy: point.y, r: 3.5, dataset: { era: point.era } },
      svg("title", {}, `After era ${point.era}: cumulative correlation ${point.total.toFixed(4)}`),
    ));

  return chart(
    "cumulative",
    `Cumulative correlation over ${eras.length} eras, ending at ${totals[totals.length - 1].toFixed(4)}`,
    scale,
    eras,
    "Cumulative correlation",
    line,
    svg("g", { class: "points" }, markers),
  );
}

/** Builds the frame of both charts: grid, y-axis ticks, zero line, era labels and the plotted marks. */
function chart(className, description, scale, eras, yLabel, ...marks) {
  const left = MARGIN.left;
  const right = WIDTH - MARGIN.right;
  const grid = scale.ticks.map((tick) =>
    svg(
      "g",
      { class: "tick" },
      svg("line", { class: "grid", x1: left, x2: right, y1: scale.y(tick), y2: scale.y(tick) }),
      svg("text", { class: "tick-label", x: left - 8, y: scale.y(tick), "text-anchor": "end", "dominant-baseline": "middle" },
        tick.toFixed(scale.decimals)),
    ));

  return svg(
    "svg",
    {
      class: `chart ${className}`,
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      role: "img",
      "aria-label": description,
      preserveAspectRatio: "xMidYMid meet",
    },
    svg("g", { class: "grid-lines" }, grid),
    svg("line", { class: "zero", x1: left, x2: right, y1: scale.y(0), y2: scale.y(0) }),
    svg("line", { class: "axis", x1: left, x2: left, y1: MARGIN.top, y2: HEIGHT - MARGIN.bottom }),
    eraLabels(eras),
    svg("text", { class: "axis-label", transform: `translate(16 ${MARGIN.top + PLOT_HEIGHT / 2}) rotate(-90)`, "text-anchor": "middle" }, yLabel),
    svg("text", { class: "axis-label", x: left + PLOT_WIDTH / 2, y: HEIGHT - 6, "text-anchor": "middle" }, "Era"),
    ...marks,
  );
}

/** Labels the eras under the plot. With many eras only every k-th is labelled, and narrow labels are slanted. */
function eraLabels(eras) {
  const band = PLOT_WIDTH / eras.length;
  const every = Math.max(1, Math.ceil(LABEL_SPACE / 2 / band));
  const slanted = band * every < LABEL_SPACE;
  const y = HEIGHT - MARGIN.bottom + 16;
  const labels = [];
  eras.forEach((era, index) => {
    if (index % every !== 0) {
      return;
    }

    const x = MARGIN.left + index * band + band / 2;
    labels.push(svg(
      "text",
      slanted
        ? { class: "era-label", transform: `translate(${x} ${y}) rotate(-40)`, "text-anchor": "end" }
        : { class: "era-label", x, y, "text-anchor": "middle" },
      era.era,
    ));
  });
  return svg("g", { class: "era-labels" }, labels);
}

/**
 * Returns the y scale of a set of values: a domain that includes 0 and ends on round tick
 * values, the ticks, their decimals, and y(value) in SVG units.
 */
function valueScale(values) {
  let low = Math.min(0, ...values);
  let high = Math.max(0, ...values);
  if (high - low < 1e-9) {
    high = low + 0.01;
  }

  const step = niceStep((high - low) / 5);
  low = Math.floor(low / step - 1e-9) * step;
  high = Math.ceil(high / step + 1e-9) * step;

  const ticks = [];
  for (let tick = low; tick <= high + step / 2; tick += step) {
    // Rounding to the step's decimals removes the drift that repeated addition leaves, as in 0.30000000000000004.
    ticks.push(Number(tick.toFixed(12)));
  }

  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const y = (value) => MARGIN.top + ((high - value) / (high - low)) * PLOT_HEIGHT;
  return { ticks, decimals, y };
}

/** Rounds a raw tick step up to 1, 2 or 5 times a power of ten. */
function niceStep(raw) {
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  for (const nice of [1, 2, 5]) {
    if (fraction <= nice) {
      return nice * power;
    }
  }

  return 10 * power;
}
