// DOM building and formatting helpers. Text always goes in through text nodes, never
// innerHTML, so a model name or a log line cannot inject markup.

const SVG_NAMESPACE = "http://www.w3.org/2000/svg";

/**
 * Creates an HTML element. `attributes` sets attributes, except `dataset` (an object of
 * data-* values) and `on*` functions (event listeners). Children are nodes or strings, and
 * null, undefined and false children and attribute values are skipped.
 */
export function h(tag, attributes = {}, ...children) {
  return fill(document.createElement(tag), attributes, children);
}

/** Creates an SVG element, with the same arguments as {@link h}. */
export function svg(tag, attributes = {}, ...children) {
  return fill(document.createElementNS(SVG_NAMESPACE, tag), attributes, children);
}

function fill(element, attributes, children) {
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }

    if (name === "dataset") {
      Object.assign(element.dataset, value);
    } else if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }

  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) {
      continue;
    }

    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `element` with `children`. */
export function replaceChildren(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

/** Formats an ISO 8601 timestamp as "2026-12-04 12:07:37 UTC", the form the API's messages use. */
export function formatTime(value) {
  if (!value) {
    return "";
  }

  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    return String(value);
  }

  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** Formats a number with a fixed count of decimals, or an en dash when it is missing. */
export function formatNumber(value, decimals = 4) {
  return typeof value === "number" && Number.isFinite(value) ? value.toFixed(decimals) : "\u2013";
}

/** Formats a byte count with binary units, as in "3.2 MiB". */
export function formatBytes(bytes) {
  if (typeof bytes !== "number" || !Number.isFinite(bytes)) {
    return "\u2013";
  }

  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }

  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
