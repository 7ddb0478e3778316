/*! Switchboard Messenger loader (data-number, data-open): see ARCHITECTURE.md */
(() => {
  const script = document.currentScript;
  if (!script || window.__switchboard) return;
  const mark = (name) => performance.mark('switchboard:' + name);
  mark('loader-start');
  window.__switchboard = true;
  const base = new URL(script.src).origin;
  const files = base + '/widget/';
  const number = script.getAttribute('data-number') || null;
  const host = document.createElement('div');
  host.id = 'switchboard-messenger';
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = '<style>:host{all:initial}' +
    '.sb{position:fixed;right:20px;bottom:20px;z-index:2147483000;--sb-accent:#0b7a5c}' +
    '.sb-launcher{width:60px;height:60px;border-radius:50%;border:0;background:var(--sb-accent);color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);display:grid;place-items:center;float:right}' +
    '.sb-launcher:focus-visible{outline:3px solid #1c64f2;outline-offset:2px}' +
    '@media (max-width:600px){.sb{right:12px;bottom:12px;left:12px}}</style>' +
    '<div><div class="sb"><button class="sb-launcher" aria-label="Open chat" aria-expanded="false">' +
    '<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg></button></div></div>';
  const app = root.lastChild;
  const launcher = app.querySelector('button');

  // Static files only, in parallel (compiled, not run: the wasm is instantiated on open); a
  // failure is forgotten. The panel's CSS joins the <style> on open.
  let loading, mounted;
  const load = () => {
    if (!loading) {
      const wasm = fetch(files + 'pkg/switchboard_widget_bg.wasm');
      loading = Promise.all([import(files + 'pkg/switchboard_widget.js'),
        WebAssembly.compileStreaming ? WebAssembly.compileStreaming(wasm) : wasm,
        fetch(files + 'messenger.css').then((r) => r.ok ? r.text() : Promise.reject(r.status))]);
      loading.catch(() => { loading = null; });
    }
    return loading;
  };
  const open = () => {
    if (mounted) return;
    launcher.setAttribute('aria-busy', 'true');
    load().then(([m, module, css]) => mounted || m.default({ module_or_path: module }).then(() => {
      if (mounted) return;
      mounted = true;
      root.firstChild.append(css);
      app.textContent = '';
      m.mount(app, base, number);
      mark('messenger-mounted');
    })).catch(() => {
      launcher.removeAttribute('aria-busy');
      launcher.title = 'The chat could not load. Try again.';
    });
  };
  launcher.addEventListener('click', open);
  launcher.addEventListener('pointerenter', load, { once: true });
  launcher.addEventListener('focus', load, { once: true });
  const idle = () => (window.requestIdleCallback || setTimeout)(() => load());
  if (document.readyState == 'complete') idle(); else addEventListener('load', idle);
  const attach = () => {
    document.body.appendChild(host);
    mark('launcher-visible');
    if (script.getAttribute('data-open') == 'true') open();
  };
  if (document.body) attach(); else document.addEventListener('DOMContentLoaded', attach);
})();
