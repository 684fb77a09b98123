// Sign in once while online. Signing in again after a 401 keeps everything on the phone.
import { h, mount } from "./dom.js";
import { t } from "../i18n.js";
import { deviceName, signIn } from "../api.js";
import { saveSession, getMeta } from "../store.js";
import { requestPersistence } from "../storage.js";
import { reasonText } from "./status.js";

export async function signinScreen(root, { onDone }) {
  const previous = await getMeta("user");
  const expired = await getMeta("auth_needed");
  const error = h("p", { class: "error", id: "signin-error", role: "alert" });
  const username = h("input", { id: "username", name: "username", autocomplete: "username",
    autocapitalize: "none", required: true, value: previous?.username || "" });
  const password = h("input", { id: "password", name: "password", type: "password",
    autocomplete: "current-password", required: true });
  const button = h("button", { id: "signin-button", class: "big primary", type: "submit" }, t("signin.button"));
  const form = h("form", { class: "card", onsubmit: async (event) => {
    event.preventDefault();
    button.disabled = true;
    error.textContent = "";
    try {
      const session = await signIn(username.value.trim(), password.value, await deviceName());
      await saveSession(session);
      await requestPersistence();
      onDone();
    } catch (err) {
      error.textContent = err.code === "invalid_credentials" ? t("signin.wrong") : reasonText(err);
      button.disabled = false;
    }
  } },
  h("h2", {}, t("signin.title")),
  expired ? h("p", { class: "warn" }, t("signin.expired")) : h("p", { class: "muted" }, t("signin.once")),
  h("label", { for: "username" }, t("signin.username")), username,
  h("label", { for: "password" }, t("signin.password")), password,
  error, button);
  mount(root, form);
}
