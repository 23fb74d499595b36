// The signed-in API key. It lives in sessionStorage only, so it is gone when the tab closes
// and is never written to disk by this page.

const STORAGE_KEY = "modeluploads.apiKey";

/** A key as the API takes it: a public id of letters, digits, '-' or '_', '$', and a secret without spaces. */
const KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}\$[^\s$]{1,256}$/;

/** Returns the stored API key, or null before sign-in and after sign-out. */
export function apiKey() {
  return sessionStorage.getItem(STORAGE_KEY);
}

/** Returns the public id part of the stored key, which is safe to show. */
export function publicId() {
  return apiKey()?.split("$")[0] ?? null;
}

/** Returns whether `key` has the form PUBLIC_ID$SECRET. */
export function isWellFormed(key) {
  return KEY_PATTERN.test(key);
}

export function signIn(key) {
  sessionStorage.setItem(STORAGE_KEY, key);
  tellDashboardWorker(key);
}

export function signOut() {
  sessionStorage.removeItem(STORAGE_KEY);
  tellDashboardWorker(null);
}

/**
 * Sends the key (or null after sign-out) to the dashboard's service worker, if one is
 * registered, so that it adds the right Authorization header to the dashboard's requests.
 */
export async function tellDashboardWorker(key) {
  if (!("serviceWorker" in navigator)) {
    return;
  }

  const registration = await navigator.serviceWorker.getRegistration("/dashboard/");
  registration?.active?.postMessage({ type: "api-key", key });
}

/**
 * Replies to the dashboard worker's requests for the key. The worker sends one after the
 * browser restarted it and its copy of the key was lost.
 */
export function answerKeyRequests() {
  if (!("serviceWorker" in navigator)) {
    return;
  }

  navigator.serviceWorker.onmessage = (event) => {
    if (event.data?.type === "api-key-request") {
      event.ports[0]?.postMessage({ key: apiKey() });
    }
  };
}
