// The page's entry point: the sign-in gate, the header, and a hash router that shows one
// view at a time. Each view returns a function that stops its timers when the view is left.

import { onUnauthorized } from "./api.js";
import { replaceChildren } from "./dom.js";
import { answerKeyRequests, apiKey, publicId, signOut, tellDashboardWorker } from "./session.js";
import { showDashboard } from "./views/dashboard.js";
import { showDiagnostics } from "./views/diagnostics.js";
import { showModels } from "./views/models.js";
import { showRun } from "./views/run.js";
import { showSignIn } from "./views/sign-in.js";

const view = document.getElementById("view");
const nav = document.getElementById("main-nav");
const session = document.getElementById("session");
const notice = document.getElementById("notice");

/** The routes after sign-in. Each pattern's groups are passed to its view in order. */
const ROUTES = [
  { pattern: /^#?\/?$/, nav: "models", show: (context) => showModels(context) },
  { pattern: /^#\/runs\/([^/]+)$/, nav: "models", show: (context, runId) => showRun(context, runId) },
  { pattern: /^#\/models\/([^/]+)\/diagnostics$/, nav: "models", show: (context, modelId) => showDiagnostics(context, modelId) },
  { pattern: /^#\/dashboard$/, nav: "dashboard", show: (context) => showDashboard(context) },
];

let leaveView = () => {};

/** Shows a message above the view: an error by default, or information. Empty text hides it. */
function showNotice(text, kind = "error") {
  notice.hidden = !text;
  notice.className = `notice ${kind}`;
  notice.textContent = text ?? "";
}

function render() {
  leaveView();
  leaveView = () => {};
  showNotice("");

  if (!apiKey()) {
    nav.hidden = true;
    session.hidden = true;
    leaveView = showSignIn({ view, onSignedIn: render });
    return;
  }

  nav.hidden = false;
  session.hidden = false;
  document.getElementById("session-key").textContent = `Key ${publicId()}`;

  const hash = decodeURI(location.hash);
  const route = ROUTES.find((candidate) => candidate.pattern.test(hash));
  for (const link of nav.querySelectorAll("[data-nav]")) {
    link.classList.toggle("active", route !== undefined && link.dataset.nav === route.nav);
  }

  if (!route) {
    replaceChildren(view);
    showNotice(`The page ${hash} does not exist. Go back to the models.`);
    return;
  }

  const context = { view, showNotice };
  leaveView = route.show(context, ...hash.match(route.pattern).slice(1).map(decodeURIComponent)) ?? (() => {});
}

document.getElementById("sign-out").addEventListener("click", () => {
  signOut();
  location.hash = "#/";
  render();
});

onUnauthorized((error) => {
  // The key stopped working (revoked, or the account deactivated): sign out and show why.
  signOut();
  render();
  showNotice(`Signed out: ${error.detail || error.message}`);
});

window.addEventListener("hashchange", render);
answerKeyRequests();
tellDashboardWorker(apiKey());
render();
