// Service worker for /dashboard/: it adds `Authorization: Token KEY` to every request of the
// Orleans dashboard, whose page and scripts cannot send the header themselves. The key comes
// from the signed-in page by postMessage, and the worker keeps it in memory only. After the
// browser restarted the worker, it requests the key again from the open pages of this origin.

const SCOPE_PATH = "/dashboard/";

/** Milliseconds to wait for a page's reply to a key request, because the dashboard's own frame never replies. */
const ANSWER_TIMEOUT_MS = 1000;

let apiKey = null;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("message", (event) => {
  if (event.data?.type === "api-key") {
    apiKey = event.data.key ?? null;
  }
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (url.origin !== self.location.origin || !url.pathname.startsWith(SCOPE_PATH)) {
    return;
  }

  event.respondWith(withKey(event.request));
});

async function withKey(request) {
  const key = apiKey ?? (await askPages());
  if (!key) {
    // Without a key the gateway returns 401, and its ProblemDetails detail explains that the dashboard needs a key.
    return fetch(request);
  }

  const headers = new Headers(request.headers);
  headers.set("Authorization", `Token ${key}`);

  // A worker cannot re-issue a navigation request as one, and a no-cors request (an image)
  // drops every header but the CORS-safelisted ones, Authorization included. Both are
  // same-origin requests here, so they are sent in same-origin mode.
  const mode = request.mode === "navigate" || request.mode === "no-cors" ? "same-origin" : request.mode;
  return fetch(new Request(request, { headers, mode }));
}

/** Asks every open page of this origin for the signed-in key and returns the first one given. */
async function askPages() {
  const pages = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const answers = await Promise.all(pages.map((page) => new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(null), ANSWER_TIMEOUT_MS);
    channel.port1.onmessage = (message) => {
      clearTimeout(timer);
      resolve(message.data?.key ?? null);
    };
    page.postMessage({ type: "api-key-request" }, [channel.port2]);
  })));

  // NOTE: with several tabs signed in with different keys, the first tab that replies wins.
  apiKey = answers.find((key) => key) ?? null;
  return apiKey;
}
