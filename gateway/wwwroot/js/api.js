// Calls to the gateway's HTTP API with the signed-in key. Every rejection becomes an
// ApiError that carries the ProblemDetails title and detail the server sent.

import { apiKey } from "./session.js";

/** A rejected API call: the HTTP status and the ProblemDetails title and detail. */
export class ApiError extends Error {
  constructor(status, title, detail) {
    super(detail || title || `The request failed with HTTP status ${status}.`);
    this.name = "ApiError";
    this.status = status;
    this.title = title;
    this.detail = detail;
  }
}

/** Listeners called with every 401 response, so the page can return to the sign-in form. */
const unauthorizedListeners = new Set();

export function onUnauthorized(listener) {
  unauthorizedListeners.add(listener);
}

function authorizationHeaders(key = apiKey()) {
  return key ? { Authorization: `Token ${key}` } : {};
}

/**
 * Sends a request and returns the parsed response: JSON for JSON responses, text otherwise,
 * and null for an empty body. `body` is sent as JSON. `key` overrides the stored key, for
 * checking a key before it is stored.
 */
export async function request(method, path, { body, key } = {}) {
  const headers = { Accept: "application/json, text/plain;q=0.9", ...authorizationHeaders(key) };
  const init = { method, headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }

  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(0, "Network error", `The gateway did not respond to ${method} ${path}: ${error.message}`);
  }

  if (!response.ok) {
    throw await errorFrom(response, method, path, key === undefined);
  }

  const text = await response.text();
  if (text.length === 0) {
    return null;
  }

  const type = response.headers.get("Content-Type") ?? "";
  return type.includes("json") ? JSON.parse(text) : text;
}

export const get = (path, options) => request("GET", path, options);
export const post = (path, body) => request("POST", path, { body });
export const put = (path, body) => request("PUT", path, { body });
export const remove = (path) => request("DELETE", path);

async function errorFrom(response, method, path, notify) {
  const error = problemFrom(response.status, await response.text(), `${method} ${path}`);
  if (response.status === 401 && notify) {
    unauthorizedListeners.forEach((listener) => listener(error));
  }

  return error;
}

/** Builds an ApiError from a response body, which is ProblemDetails JSON when the gateway wrote it. */
function problemFrom(status, text, requestLine) {
  try {
    const problem = JSON.parse(text);
    if (problem && (problem.title || problem.detail)) {
      return new ApiError(status, problem.title ?? "", problem.detail ?? "");
    }
  } catch {
    // Not JSON: a proxy or the server sent plain text, shown below as it is.
  }

  const detail = text.trim().length > 0 ? text.trim().slice(0, 500) : `${requestLine} returned HTTP status ${status}.`;
  return new ApiError(status, `HTTP ${status}`, detail);
}

/**
 * Posts a multipart form with XMLHttpRequest, because fetch reports no upload progress.
 * `onProgress` gets (bytesSent, bytesTotal). Returns { promise, abort }, where the promise
 * resolves with the parsed JSON response and rejects with an ApiError.
 */
export function uploadForm(path, form, onProgress) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    xhr.open("POST", path);
    for (const [name, value] of Object.entries(authorizationHeaders())) {
      xhr.setRequestHeader(name, value);
    }

    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) {
        onProgress(event.loaded, event.total);
      }
    });
    xhr.addEventListener("load", () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(xhr.responseText ? JSON.parse(xhr.responseText) : null);
        return;
      }

      const error = problemFrom(xhr.status, xhr.responseText, `POST ${path}`);
      if (xhr.status === 401) {
        unauthorizedListeners.forEach((listener) => listener(error));
      }

      reject(error);
    });
    xhr.addEventListener("error", () =>
      reject(new ApiError(0, "Network error", `The upload to ${path} failed before the gateway responded.`)));
    xhr.addEventListener("abort", () => reject(new ApiError(0, "Cancelled", "The upload was cancelled.")));
    xhr.send(form);
  });

  return { promise, abort: () => xhr.abort() };
}

/**
 * Downloads a file with the Authorization header and saves it under `fileName`. A plain link
 * cannot send the header, so the body is fetched as a Blob and saved through an object URL.
 */
export async function download(path, fileName) {
  let response;
  try {
    response = await fetch(path, { headers: authorizationHeaders() });
  } catch (error) {
    throw new ApiError(0, "Network error", `The gateway did not respond to GET ${path}: ${error.message}`);
  }

  if (!response.ok) {
    throw await errorFrom(response, "GET", path, true);
  }

  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();

  // The click starts the download synchronously, but revoking in the same task can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Returns the text to show for a failure: the ProblemDetails detail when the gateway sent one. */
export function errorMessage(error) {
  return error instanceof ApiError ? error.detail || error.message : String(error?.message ?? error);
}
