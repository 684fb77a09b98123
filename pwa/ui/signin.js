// Sign in once while online. Signing in again after a 401 keeps everything on the phone.
// After an admin reset the password, the temporary one leads to a new-password form.
import { h, mount } from "./dom.js";
import { t } from "../i18n.js";
import { changePassword, deviceName, signIn } from "../api.js";
import { getMeta, saveSession } from "../session.js";
import { requestPersistence } from "../storage.js";
import { reasonText } from "./status.js";
import { inAppNotice } from "./in-app-browser.js";

const PASSWORD_MIN = 8;   // the server's rule (server/admin/users.py); it has the last word

async function finish(username, password, onDone) {
  const session = await signIn(username, password, await deviceName());
  await saveSession(session);
  await requestPersistence();
  onDone();
}

function errorBox() {
  return h("p", { class: "error", id: "signin-error", role: "alert" });
}

export async function signinScreen(root, { onDone }) {
  const previous = await getMeta("user");
  const expired = await getMeta("auth_needed");
  const error = errorBox();
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
      await finish(username.value.trim(), password.value, onDone);
    } catch (err) {
      if (err.code === "password_change_required") {
        return newPasswordScreen(root, username.value.trim(), password.value, onDone);
      }
      error.textContent = err.code === "invalid_credentials" ? t("signin.wrong") : reasonText(err);
      button.disabled = false;
    }
  } },
  h("h2", {}, t("signin.title")),
  expired ? h("p", { class: "warn" }, t("signin.expired")) : h("p", { class: "muted" }, t("signin.once")),
  h("label", { for: "username" }, t("signin.username")), username,
  h("label", { for: "password" }, t("signin.password")), password,
  error, button);
  mount(root, inAppNotice(), form);
}

// the temporary password worked: a new one is chosen, then signs in
function newPasswordScreen(root, username, temporary, onDone) {
  const error = errorBox();
  const field = (id) => h("input", { id, name: id, type: "password", autocomplete: "new-password",
    required: true, minlength: PASSWORD_MIN });
  const fresh = field("new-password");
  const again = field("new-password-again");
  const button = h("button", { id: "new-password-button", class: "big primary", type: "submit" },
    t("signin.new_password_button"));
  const form = h("form", { class: "card", id: "new-password-form", onsubmit: async (event) => {
    event.preventDefault();
    error.textContent = "";
    if (fresh.value !== again.value) { error.textContent = t("signin.new_password_mismatch"); return; }
    button.disabled = true;
    try {
      await changePassword(username, temporary, fresh.value);
      await finish(username, fresh.value, onDone);
    } catch (err) {
      error.textContent = err.fields?.new_password ? t("signin.new_password_refused", { min: PASSWORD_MIN })
        : err.code === "invalid_credentials" ? t("signin.wrong") : reasonText(err);
      button.disabled = false;
    }
  } },
  h("h2", {}, t("signin.new_password_title")),
  h("p", { class: "warn" }, t("signin.new_password_why")),
  h("label", { for: "new-password" }, t("signin.new_password")), fresh,
  h("label", { for: "new-password-again" }, t("signin.new_password_again")), again,
  error, button);
  mount(root, form);
  fresh.focus();
}
