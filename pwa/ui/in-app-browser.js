// Opened in a chat app's built-in browser (WeChat, QQ, Alipay, DingTalk), whose storage
// may be cleared and the photos kept offline lost: before sign-in, say to open the app in
// the phone's own browser (steps, a copy-link button); it stays usable if dismissed.
import { h } from "./dom.js";
import { t } from "../i18n.js";

// the app names in the user agents of their built-in browsers ("QQ/" is the QQ app; the
// standalone QQ Browser says "MQQBrowser/", which is a browser of its own)
const APPS = [["wechat", /MicroMessenger/i], ["qq", /(^|[\s;(])QQ\//], ["alipay", /AlipayClient/i],
  ["dingtalk", /DingTalk/i]];

export function inAppBrowser(ua = navigator.userAgent || "") {
  return APPS.find(([, pattern]) => pattern.test(ua))?.[0] || null;
}

let dismissed = false;   // for this page: the sign-in screen drawn again keeps it away

// what to paste into the browser
const appLink = () => `${location.origin}${location.pathname}`;

async function copyLink(result) {
  const link = appLink();
  try {
    await navigator.clipboard.writeText(link);
    result.replaceChildren(h("span", { id: "in-app-copied", class: "good" }, t("inapp.copied")));
  } catch {
    // clipboard refused (or absent): the link to select by hand
    const field = h("input", { id: "in-app-link", readonly: true, value: link, "aria-label": t("inapp.link") });
    result.replaceChildren(h("span", { class: "warn" }, t("inapp.copy_refused")), field);
    field.focus();
    field.select();
  }
}

export function inAppNotice() {
  const app = inAppBrowser();
  if (!app || dismissed) return null;
  const name = t(`inapp.app.${app}`);
  const result = h("div", { id: "in-app-result", role: "status" });
  const notice = h("section", { class: "card in-app", id: "in-app-notice", dataset: { app } },
    h("h2", {}, t("inapp.title")),
    h("p", {}, t("inapp.why", { app: name })),
    h("p", { class: "lead", id: "in-app-steps" }, t("inapp.steps")),
    h("p", { class: "muted" }, t("inapp.or_copy")),
    h("button", { id: "in-app-copy", class: "big primary", type: "button", onclick: () => copyLink(result) },
      t("inapp.copy")),
    result,
    h("button", { id: "in-app-dismiss", class: "big secondary", type: "button", onclick: () => {
      dismissed = true;
      notice.remove();
      document.getElementById("username")?.focus();
    } }, t("inapp.dismiss")));
  return notice;
}
