// The app's start-up (`app_build::start_up_script` fills in DIR and APP). See there for when
// the app comes; this file is shipped as it is, so it stays small and plain.
const copy = document.getElementById("first-paint");
let starting, news;
const start = () => (starting ??= (async () => {
  news?.close();
  const { default: init } = await import("/DIR/APP.js");
  const wasm = await fetch("/DIR/APP_bg.wasm");
  if (!wasm.ok) throw new Error(`the app's wasm: HTTP ${wasm.status}`);
  await init({ module_or_path: await wasm.arrayBuffer() });
})());

// A button of the server's copy that only the app answers (not a form the server answers),
// pressed before the app has taken over: kept, and pressed in the app when it does (the
// hand-over finds the marked button's twin).
addEventListener("click", (e) => {
  const button = e.target instanceof Element && e.target.closest("#first-paint button");
  if (!button || (button.type === "submit" && button.form && button.form.hasAttribute("method"))) return;
  e.preventDefault();
  for (const marked of document.querySelectorAll("[data-replay]")) marked.removeAttribute("data-replay");
  button.setAttribute("data-replay", "");
  start();
}, true);

// Controls only the app runs are drawn hidden by the server: shown where script runs.
for (const part of document.querySelectorAll("#first-paint [data-script-only]")) part.hidden = false;

if (copy && copy.dataset.start === "on-use") {
  const kinds = ["focusin", "pointerdown", "keydown", "input"];
  const use = (e) => {
    if (!(e.target instanceof Element) || !e.target.closest("input, select, textarea, button, summary")) return;
    for (const kind of kinds) removeEventListener(kind, use, true);
    start();
  };
  for (const kind of kinds) addEventListener(kind, use, { capture: true, passive: true });
  // A control already in use before this script ran (tapped while the page was still
  // arriving) has had its event: the app comes now.
  const active = document.activeElement;
  if (active && copy.contains(active)) use({ target: active });
  // A session's timeout warning is the app's: it comes in time to give it.
  const by = copy.dataset.startBy;
  if (by !== undefined) setTimeout(start, Number(by) * 1000);
  // A request's news (its status changed) is the app's to show and announce.
  const request = copy.dataset.liveRequest;
  if (request !== undefined) {
    news = new EventSource(copy.dataset.liveEvents);
    news.addEventListener("status", (e) => {
      let about;
      try { about = JSON.parse(e.data).application_id; } catch { return; }
      if (about !== request) return;
      news.close();
      copy.dataset.news = "yes";
      start();
    });
  }
} else {
  await start();
}
