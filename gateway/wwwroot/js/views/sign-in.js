// The sign-in form: the key is checked with a real API call before it is stored.

import { errorMessage, get } from "../api.js";
import { h, replaceChildren } from "../dom.js";
import { isWellFormed, signIn } from "../session.js";

export function showSignIn({ view, onSignedIn }) {
  const input = h("input", {
    id: "api-key",
    name: "api-key",
    type: "password",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "PUBLIC_ID$SECRET",
    required: true,
  });
  const error = h("p", { id: "sign-in-error", class: "form-error", role: "alert", hidden: true });
  const submit = h("button", { id: "sign-in", type: "submit", class: "button primary" }, "Sign in");

  const form = h(
    "form",
    { class: "card sign-in", onsubmit: (event) => signInWith(event) },
    h("h1", {}, "Sign in"),
    h("p", {}, "Paste your API key. An administrator creates keys; the first administrator's key comes from the silo's ",
      h("code", {}, "create-admin"), " command."),
    h("label", { for: "api-key" }, "API key"),
    input,
    h("p", { class: "hint" }, "The key stays in this tab's session storage and is sent only to this gateway. Closing the tab forgets it."),
    error,
    h("div", { class: "form-actions" }, submit),
  );

  async function signInWith(event) {
    event.preventDefault();
    const key = input.value.trim();
    error.hidden = true;
    if (!isWellFormed(key)) {
      showError("This is not an API key. A key is a public id and a secret joined by '$', as in PUBLIC_ID$SECRET. Paste the whole key.");
      return;
    }

    submit.disabled = true;
    try {
      // Any call proves the key, and the models list is the first thing the page shows anyway.
      await get("/api/models", { key });
      signIn(key);
      onSignedIn();
    } catch (failure) {
      showError(errorMessage(failure));
    } finally {
      submit.disabled = false;
    }
  }

  function showError(text) {
    error.textContent = text;
    error.hidden = false;
  }

  replaceChildren(view, form);
  input.focus();
  return () => {};
}
