// The Orleans dashboard, for administrators. The dashboard's own page cannot send the API key,
// so a service worker scoped to /dashboard/ adds the Authorization header to its requests,
// and the dashboard is shown in a frame below this page's header.

import { errorMessage, request } from "../api.js";
import { h, replaceChildren } from "../dom.js";
import { apiKey, tellDashboardWorker } from "../session.js";

const SCOPE = "/dashboard/";

export function showDashboard({ view }) {
  const status = h("p", { id: "dashboard-message", class: "card" }, "Checking access to the dashboard\u2026");
  replaceChildren(view, h("h1", {}, "Orleans dashboard"), status);
  let left = false;

  async function open() {
    try {
      // One authorized request first, so a missing administrator role shows the gateway's reason.
      await request("GET", SCOPE);
    } catch (error) {
      status.textContent = error.status === 404
        ? "This gateway serves no dashboard: the dashboard runs only in a gateway co-hosted in the silo, and this one runs alone. "
          + "Open this page on the silo's HTTP address instead."
        : errorMessage(error);
      status.classList.add("failure");
      return;
    }

    if (!("serviceWorker" in navigator)) {
      status.textContent = "This browser offers no service workers here (they need HTTPS or 127.0.0.1), so the dashboard cannot send the API key. "
        + "Open it with a tool that sends the header 'Authorization: Token KEY'.";
      status.classList.add("failure");
      return;
    }

    await activeWorker();
    await tellDashboardWorker(apiKey());
    if (left) {
      return;
    }

    replaceChildren(view, h("iframe", { id: "dashboard-frame", class: "dashboard-frame", src: SCOPE, title: "Orleans dashboard" }));
  }

  open();
  return () => {
    left = true;
  };
}

/** Registers the dashboard worker and waits until it is active, so the frame's first request already goes through it. */
async function activeWorker() {
  const registration = await navigator.serviceWorker.register("/dashboard-worker.js", { scope: SCOPE });
  if (registration.active) {
    return registration.active;
  }

  const worker = registration.installing ?? registration.waiting;
  await new Promise((resolve) => {
    const check = () => {
      if (worker.state === "activated") {
        worker.removeEventListener("statechange", check);
        resolve();
      }
    };
    worker.addEventListener("statechange", check);
    check();
  });
  return worker;
}
