/*! Switchboard Messenger loader */
// The source of static/widget.js: scripts/build minifies it with esbuild (budget 1.5 KiB gzip).
// It draws the launcher in the visitor's language and fetches the Messenger when asked. The
// language list is core's `language::LANGUAGES`, and the choice its `supported()`, in short:
// data-lang, then the browser's languages in order (exact tag, `pt` → pt-BR, other pt-XX →
// pt-PT, else the base language); the edge may still choose another (the owner's default).
(() => {
  const script = document.currentScript;
  if (!script || window.__switchboard) return;
  const mark = (name) => performance.mark('switchboard:' + name);
  mark('loader-start');
  window.__switchboard = true;
  const base = new URL(script.src).origin;
  // The Messenger's files, asked for by version (MESSENGER_VERSION: a hash of their contents that
  // scripts/build bakes in), so a browser may keep them (static/_headers): a new build, new URLs.
  const file = (path) => base + '/widget/' + path + '?v=' + MESSENGER_VERSION;
  const attr = (name) => script.dataset[name]; // undefined when absent
  const number = attr('number');
  const asked = attr('lang');
  const shipped = 'en pt-BR pt-PT es fr de it nl id tr hi ar he ru pl ja'.split(' ');
  const pick = (tag) => {
    tag = tag.toLowerCase();
    const base = tag.split('-')[0];
    return shipped.find((l) => l.toLowerCase() == tag) ||
      (base == 'pt' ? (tag == 'pt' ? 'pt-BR' : 'pt-PT') : shipped.find((l) => l == base));
  };
  const lang = [asked, ...navigator.languages].map((t) => t && pick(t)).find((l) => l) || 'en';
  const text = (l) => fetch(file('i18n/' + l + '.json')).then((r) => r.json());
  const words = text(lang).catch(() => text('en'));
  const host = document.createElement('div');
  host.id = 'switchboard-messenger';
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = '<style>:host{all:initial}' +
    '.sb{position:fixed;right:20px;bottom:20px;z-index:2147483000;--sb-accent:#0b7a5c;--sb-on-accent:#fff}' +
    '.sb-launcher{width:60px;height:60px;border-radius:50%;border:0;background:var(--sb-accent);color:var(--sb-on-accent);cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);display:grid;place-items:center;float:right}' +
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
  //    the main thread; instantiated only on open) and the panel's stylesheet read, both held.
  //    (A <link rel=prefetch> would add nothing: this is the prefetch, and its result is held.)
  // 2. When a visitor is about to click (pointer over, or focus on, the launcher), and on the
  //    click: the module is imported, beside the held wasm and styles. A failure is forgotten:
  //    the next try fetches again.
  let warm, loading, mounted;
  const prefetch = () => {
    if (!warm) {
      warm = [WebAssembly.compileStreaming(fetch(file('pkg/switchboard_widget_bg.wasm'))),
        fetch(file('messenger.css')).then((r) => r.ok ? r.text() : Promise.reject())];
      Promise.all(warm).catch(() => { warm = null; });
    }
    return warm;
  };
  const load = () => {
    if (!loading) {
      loading = Promise.all([import(file('pkg/switchboard_widget.js')), ...prefetch(), words]);
      loading.catch(() => { loading = warm = null; });
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
      mark('messenger-mounted');
    })).catch(() => words.then((t) => {
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
  // Outside opening hours the owner may hide the launcher: asked of the edge only when the
  // snippet says so (data-presence), as that costs a Worker request per page view.
  const shown = attr('presence') != null ? fetch(base + '/api/widget/presence' + (number ? '?number=' + encodeURIComponent(number) : ''))
    .then((r) => r.json()).then((p) => !p.hide, () => true) : true;
  const attach = () => Promise.all([words, shown]).then(([t, show]) => {
    if (!show) return;
    launcher.ariaLabel = t.launcher_open;
    document.body.append(host);
    mark('launcher-visible');
    if (attr('open') == 'true') open();
  });
  if (document.body) attach(); else addEventListener('DOMContentLoaded', attach);
})();
