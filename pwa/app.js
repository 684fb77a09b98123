// Start-up, routes and the moments we sync: on start, when back online, when the app
// becomes visible, after a submit (inspect.js, recheck.js) and from the button. The page's
// one Sync is made here, with the storage it works through, and handed to the screens.
import { h, mount, toast, clearStaleToast } from "./ui/dom.js";
import { t, setLanguage, currentLanguage } from "./i18n.js";
import * as api from "./api.js";
import { getMeta, getSession, setMeta } from "./session.js";
import { openRound, refGet, rubricFor } from "./reference.js";
import { createInspection, updateInspection } from "./records.js";
import * as outbox from "./outbox.js";
import { applyPullPage } from "./pull.js";
import * as beforePhotos from "./before-photos.js";
import { Sync, appVersion } from "./sync.js";
import { requestPersistence } from "./storage.js";
import { homeScreen } from "./ui/home.js";
import { signinScreen } from "./ui/signin.js";
import { pickScreen } from "./ui/pick.js";
import { inspectScreen } from "./ui/inspect.js";
import { detailScreen } from "./ui/detail.js";
import { householdsScreen } from "./ui/households.js";
import { forgetHouseholdLists, prepareHouseholdLists } from "./households.js";
import { pointsScreen, householdPoints, redeemScreen, deedScreen } from "./ui/points.js";
import { startRecheck, recheckScreen, recheckDetailScreen } from "./ui/recheck.js";
import { currentPosition } from "./geo.js";
import { confirmOutsidePeriod } from "./ui/period.js";

const main = document.getElementById("main");

// handed the phone's storage and the server's API (tests and benches drive it too)
export const sync = new Sync({
  api,
  store: {
    getSession, getMeta, setMeta, applyPullPage,
    pushable: outbox.pushable, recordPushResult: outbox.recordPushResult, unsentBlobs: outbox.unsentBlobs,
    markUploadStarted: outbox.markUploadStarted, keepUploadError: outbox.keepUploadError,
    blobComplete: outbox.blobComplete, summary: outbox.summary,
    neededBeforePhotos: beforePhotos.neededBeforePhotos, heldBeforePhotos: beforePhotos.heldBeforePhotos,
    keepBeforePhoto: beforePhotos.keepBeforePhoto, dropBeforePhoto: beforePhotos.dropBeforePhoto,
  },
  appVersion,
});

const go = (hash) => { if (location.hash === hash) route(); else location.hash = hash; };

// in a household round a group opens on its households; an inspection is of one of them
async function startInspection(groupId, householdId) {
  const round = await openRound(householdId ? "household" : "group");
  const group = await refGet("group", groupId);
  if (!householdId && !round && await openRound("household")) return location.replace(`#/households/${groupId}`);
  const household = householdId ? await refGet("household", householdId) : null;
  const rubric = round && await rubricFor(round.rubric_version);
  if (!round || !group || !rubric || (householdId && household?.group_id !== group.id)) {
    toast(t("home.no_round"), "error"); return go("#/");
  }
  if (!await confirmOutsidePeriod(round)) return go("#/");
  const record = await createInspection({ round, group, rubric, gps: null, household });
  location.replace(`#/inspect/${record.id}/0`);
  // GPS never holds up the inspector: it is filled in when (and if) it arrives
  const gps = await currentPosition();
  if (gps) await updateInspection(record.id, (r) => { r.gps = r.gps || gps; });
}

// drawn anew only when what it shows changed (the user, the language, the tab, a lapsed
// sign-in): a screen change otherwise leaves it alone, with nothing above the screen to lay out
let headerShows = "";
function header(session, authNeeded) {
  const points = ["points", "redeem", "deed"].includes(location.hash.split("/")[1]);
  const shows = JSON.stringify([currentLanguage(), session?.user, Boolean(authNeeded), points]);
  if (shows === headerShows) return;
  headerShows = shows;
  mount(document.getElementById("top"),
    h("a", { href: "#/", id: "app-title" }, t("app.title")),
    session ? h("span", { class: "muted small user" }, session.user?.display_name || session.user?.username) : null,
    h("button", { id: "lang-toggle", class: "chip", onclick: async () => {
      const next = currentLanguage() === "zh" ? "en" : "zh";
      await setMeta("lang", next);
      await setLanguage(next);
      route();
    } }, t("app.other_language")));
  // a shopkeeper's phone has the 积分 tab only: no tabs to choose from
  const tabs = document.getElementById("tabs");
  tabs.hidden = !session || session.user?.role === "shopkeeper";
  mount(tabs, h("a", { href: "#/", id: "tab-checks", class: points ? "" : "on" }, t("tabs.checks")),
    h("a", { href: "#/points", id: "tab-points", class: points ? "on" : "" }, t("tabs.points")));
  const banner = document.getElementById("auth-banner");
  banner.hidden = !(session && authNeeded);
  mount(banner, h("span", {}, t("signin.expired")), " ",
    h("a", { href: "#/signin", class: "button primary" }, t("signin.button")));
}

let routing = Promise.resolve();
function route() {
  routing = routing.then(renderRoute).catch((err) => { console.error(err); toast(String(err), "error"); });
  return routing;
}

async function renderRoute() {
  clearStaleToast();
  const [session, authNeeded] = await Promise.all([getSession(), getMeta("auth_needed")]);
  header(session, authNeeded);
  const [, name, a, b] = location.hash.split("/");
  // the household lists held in memory show records that any other screen may change (a
  // check begun, a draft thrown away, another user signed in)
  if (!session || (name && name !== "households")) forgetHouseholdLists();
  const afterSignIn = () => { go("#/"); sync.now(); };
  if (!session || name === "signin") return signinScreen(main, { onDone: afterSignIn });
  if (name === "points" && a) return householdPoints(main, a, session, go);
  if (name === "redeem") return redeemScreen(main, a, go);
  if (name === "deed" && session.user?.role !== "shopkeeper") return deedScreen(main, a, go);
  // a shopkeeper pulls no rounds: the phone is their points counter
  if (name === "points" || session.user?.role === "shopkeeper") return pointsScreen(main, sync);
  if (name === "pick") return pickScreen(main, session);
  if (name === "start") return startInspection(a, b);
  if (name === "households") return householdsScreen(main, a, go);
  if (name === "inspect") return inspectScreen(main, a, Number(b) || 0, go, sync);
  if (name === "view") return detailScreen(main, a, go);
  if (name === "recheck-new") return startRecheck(a, go);
  if (name === "recheck") return recheckScreen(main, a, go, sync);
  if (name === "recheck-view") return recheckDetailScreen(main, a, go);
  await homeScreen(main, session, sync);
  prepareHouseholdLists();    // in a household round, a tap on a group then finds its list held
}

// a new service worker waits until the user says so; drafts are saved already
function watchForUpdates(registration) {
  const offer = (worker) => {
    const banner = document.getElementById("update-banner");
    banner.hidden = false;
    mount(banner, h("span", {}, t("app.update_ready")), " ", h("button", { class: "button primary",
      onclick: () => { window.__updateRequested = true; worker.postMessage("skip-waiting"); } }, t("app.update_now")));
  };
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
    });
  });
  let reloading = false;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (reloading || !window.__updateRequested) return;
    reloading = true;
    location.reload();
  });
}

async function start() {
  await setLanguage((await getMeta("lang")) || "zh");
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("sw.js", { scope: "./" }).then(watchForUpdates)
      .catch((err) => console.warn("service worker", err));
  }
  addEventListener("hashchange", route);
  addEventListener("auth-needed", route);
  addEventListener("online", () => sync.now());
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") sync.now(); });
  // when a sync ends, show what it brought, unless the inspector is typing in a form
  sync.addEventListener("progress", (e) => {
    document.documentElement.dataset.sync = e.detail.running ? "running" : "idle";
    if (!e.detail.running) forgetHouseholdLists();      // a pull may have changed them
    const name = location.hash.split("/")[1];
    if (!e.detail.running && !["inspect", "recheck", "signin", "pick", "redeem", "deed"].includes(name)) route();
  });
  await route();
  document.body.dataset.ready = "1";
  performance.mark("app-usable");
  if (await getSession()) { requestPersistence(); sync.now(); }
}

start();
