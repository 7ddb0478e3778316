// The Switchboard Messenger's loader, the source of static/widget.js: scripts/build minifies it
// with esbuild (budget 1.5 KiB gzip as served, in every language: tests/bench/messenger.mjs).
// It draws the launcher in the visitor's language and fetches the Messenger when asked.
// The edge serves it (edge/src/visitor/loader.rs) with LAUNCHER_WORDS replaced by the launcher's
// words in the language core's `language::choose` picks from the request's Accept-Language (the
// browser's languages) and the owner's settings, so drawing the launcher costs no request and no
// fetch() at page load. A data-lang on the tag wins: its language's file is fetched for the
// launcher (core's `supported()`, in short: exact tag, `pt` → pt-BR, other pt-XX → pt-PT, else
// the base language; one the Messenger does not ship keeps the edge's choice).
(() => {
  const script = document.currentScript;
  if (!script || window.__switchboard) return;
  window.__switchboard = true;
  const base = new URL(script.src).origin;
  // The Messenger's files, asked for by version (MESSENGER_VERSION: a hash of their contents that
  // scripts/build bakes in), so a browser may keep them (static/_headers): a new build, new URLs.
  const file = (path) => base + '/widget/' + path + '?v=' + MESSENGER_VERSION;
  const attr = (name) => script.dataset[name]; // undefined when absent
  const number = attr('number');
  const asked = attr('lang');
  const said = LAUNCHER_WORDS; // { lang, launcher_open, load_failed }
  const shipped = 'en pt-BR pt-PT es fr de it nl id tr hi ar he ru pl ja'.split(' ');
  const pick = (tag) => {
    tag = tag.toLowerCase();
    const base = tag.split('-')[0];
    return shipped.find((l) => l.toLowerCase() == tag) ||
      (base == 'pt' ? (tag == 'pt' ? 'pt-BR' : 'pt-PT') : shipped.find((l) => l == base));
  };
  const lang = asked && pick(asked) || said.lang;
  // The Messenger's words: fetched when it is warmed (below), or at once for a data-lang launcher.
  // (Every language `pick` or the edge can choose has its file; an error page is a failure.)
  let words;
  const panel = () => words = words || fetch(file('i18n/' + lang + '.json')).then((r) => r.ok ? r.json() : Promise.reject());
  // (If a data-lang's words cannot be fetched, the launcher speaks the edge's language, and says so.)
  const label = Promise.resolve(lang == said.lang ? said : panel().catch(() => (app.lang = said.lang, said)));
  const host = document.createElement('div');
  host.id = 'switchboard-messenger';
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = '<style>:host{all:initial}' +
    '.sb{position:fixed;right:20px;bottom:20px;z-index:2147483000;--sb-accent:#0b7a5c;--sb-on-accent:#fff}' +
    '.sb-launcher{width:60px;height:60px;border-radius:50%;border:0;background:var(--sb-accent);color:var(--sb-on-accent);cursor:pointer;box-shadow:0 4px 14px #00000040;display:grid;place-items:center;float:right}' +
    '.sb-launcher:focus-visible{outline:3px solid #1c64f2;outline-offset:2px}' +
    '@media (max-width:600px){.sb{right:12px;bottom:12px;left:12px}}</style>' +
    '<div><div class=sb><button class=sb-launcher aria-expanded=false>' +
    '<svg viewBox="0 0 24 24" width=28 height=28 aria-hidden=true><path fill=currentColor d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg></button></div></div>';
  const app = root.lastChild;
  const launcher = app.querySelector('button');
  app.lang = lang;

  // Warming, in two steps, so that a visitor's click finds the Messenger nearly ready while the
  // host page pays next to nothing for it (Lighthouse's bootup-time for our scripts, budget
  // 20 ms; tests/bench/messenger.mjs prints it). Measured with Lighthouse 12.8: it leaves out
  // what runs inside an idle callback (little here: the compile itself is off the main thread),
  // but counts a module's parse and run wherever they happen (importing at idle added 15-50 ms
  // under its 4x CPU; a <link rel=modulepreload> counts too).
  // 1. In an idle period after the page's load: the wasm is fetched and compiled (streaming, off
  //    the main thread; instantiated only on open), the panel's stylesheet read and the
  //    Messenger's words (its language file) fetched, all held. (A <link rel=prefetch> would add
  //    nothing: this is the prefetch, and its result is held.)
  // 2. When a visitor is about to click (pointer over, or focus on, the launcher), and on the
  //    click: the module is imported, beside what step 1 holds. A failure is forgotten: the next
  //    try fetches again.
  let warm, loading, mounted;
  const prefetch = () => {
    if (!warm) {
      warm = [WebAssembly.compileStreaming(fetch(file('pkg/switchboard_widget_bg.wasm'))),
        fetch(file('messenger.css')).then((r) => r.ok ? r.text() : Promise.reject()), panel()];
      Promise.all(warm).catch(() => { warm = words = null; });
    }
    return warm;
  };
  const load = () => {
    if (!loading) {
      loading = Promise.all([import(file('pkg/switchboard_widget.js')), ...prefetch()]);
      loading.catch(() => { loading = warm = words = null; });
    }
    return loading;
  };
  const open = () => {
    if (mounted) return;
    launcher.ariaBusy = true;
    load().then(([m, module, css, texts]) => m.default({ module_or_path: module }).then(() => {
      if (mounted) return;
      mounted = true;
      root.firstChild.append(css);
      app.textContent = '';
      m.mount(app, base, number, asked, lang, texts);
      performance.mark('switchboard:messenger-mounted');
    })).catch(() => label.then((t) => {
      launcher.ariaBusy = null;
      launcher.title = t.load_failed;
    }));
  };
  launcher.onclick = open;
  launcher.onpointerenter = launcher.onfocus = load;
  // Once the page has loaded, in an idle period of its own: a 'load' listener would put the
  // load event's whole task on our account. (Safari has no requestIdleCallback: a timeout.)
  const idle = () => (window.requestIdleCallback || setTimeout)(() => document.readyState == 'complete' ? prefetch() : idle());
  idle();
  // (Outside opening hours the owner may hide the launcher: then the edge serves no loader.)
  const attach = () => label.then((t) => {
    launcher.ariaLabel = t.launcher_open;
    document.body.append(host);
    if (attr('open') == 'true') open();
  });
  if (document.body) attach(); else addEventListener('DOMContentLoaded', attach);
})();
