/*! Switchboard Messenger loader. Add to any page:
 *    <script src="https://<edge>/widget.js" async></script>
 *  Options as data- attributes: data-number="<phone number id or label>" (handoff number),
 *  data-open="true" (start open). The loader draws the launcher at once inside a Shadow DOM
 *  and fetches the WebAssembly Messenger only when the visitor opens the chat. */
(function () {
  var script = document.currentScript;
  if (!script || window.__switchboard) return;
  var perf = window.performance && performance.mark ? performance : null;
  if (perf) perf.mark('switchboard:loader-start');
  window.__switchboard = true;
  var base = new URL(script.src, location.href).origin;
  var number = script.getAttribute('data-number') || '';
  var css = ':host{all:initial}' +
    '.sb{position:fixed;right:20px;bottom:20px;z-index:2147483000;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;--sb-accent:#0b7a5c}' +
    '.sb-launcher{width:60px;height:60px;border-radius:50%;border:0;background:var(--sb-accent);color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);display:grid;place-items:center;float:right}' +
    '.sb-launcher:focus-visible,.sb button:focus-visible,.sb a:focus-visible,.sb textarea:focus-visible{outline:3px solid #1c64f2;outline-offset:2px}' +
    '.sb-panel{width:360px;height:min(560px,calc(100vh - 110px));margin-bottom:12px;background:#fff;border-radius:14px;box-shadow:0 12px 40px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden}' +
    '.sb-head{background:var(--sb-accent);color:#fff;padding:14px 16px;display:flex;justify-content:space-between;align-items:center}' +
    '.sb-close{background:none;border:0;color:#fff;font-size:24px;line-height:1;cursor:pointer}' +
    '.sb-log{list-style:none;margin:0;padding:14px;flex:1;overflow-y:auto;display:flex;flex-direction:column;gap:8px;background:#f5f7fa}' +
    '.sb-msg{max-width:80%;padding:8px 12px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere}' +
    '.sb-business{align-self:flex-start;background:#fff;border:1px solid #e4e7eb}' +
    '.sb-visitor{align-self:flex-end;background:var(--sb-accent);color:#fff}' +
    '.sb-pending{opacity:.6}.sb-failed{background:#b42318}' +
    '.sb-retry{display:block;margin-top:4px;background:#fff;color:#b42318;border:0;border-radius:8px;padding:2px 8px;cursor:pointer}' +
    '.sb-notice{margin:0;padding:8px 14px;background:#fff4e5;color:#8a4b00;font-size:13px}' +
    '.sb-handoff-btn{margin:8px 14px 0;padding:10px;border-radius:10px;border:1px solid #25d366;background:#fff;color:#128c7e;font-weight:600;cursor:pointer}' +
    '.sb-handoff,.sb-continued{padding:12px 14px;border-top:1px solid #e4e7eb;text-align:center}' +
    '.sb-handoff p,.sb-continued p{margin:0 0 8px}' +
    '.sb-wa{display:inline-block;padding:10px 16px;border-radius:10px;background:#25d366;color:#073b1f;font-weight:600;text-decoration:none}' +
    '.sb-turnstile{display:flex;justify-content:center;padding:8px 14px 0;border-top:1px solid #e4e7eb}' +
    '.sb-earlier{list-style:none;text-align:center}.sb-earlier button{border:0;background:none;color:#52606d;text-decoration:underline;font:inherit;font-size:12px;cursor:pointer}' +
    '.sb-who{margin:10px 0 0!important;font-size:12px;color:#52606d}' +
    '.sb-not-me{border:0;background:none;padding:0;color:#0b6e4f;text-decoration:underline;font:inherit;cursor:pointer}' +
    '.sb-qr{margin:10px 0 0}.sb-qr img{display:block;margin:0 auto}.sb-qr figcaption{font-size:12px;color:#52606d}' +
    '.sb-rating{padding:10px 14px;border-top:1px solid #e4e7eb;text-align:center}.sb-rating p{margin:0 0 6px}' +
    '.sb-star{border:0;background:none;font-size:26px;line-height:1;color:#cbd2d9;cursor:pointer;padding:0 2px}.sb-star.sb-on{color:#f5a623}' +
    '.sb-thanks{font-size:13px;color:#52606d;margin:6px 0 0!important}' +
    '.sb-attach{align-self:center;cursor:pointer;color:#52606d;display:grid;place-items:center}.sb-img{display:block;max-width:100%;max-height:220px;border-radius:10px;margin-bottom:4px}' +
    '.sb-file{display:inline-block;color:inherit;font-weight:600;margin-bottom:4px}.sb-progress{display:block;width:100%;margin-top:4px}.sb-retry-note{display:block;font-size:12px}' +
    '.sb-composer{display:flex;gap:8px;padding:10px 14px;border-top:1px solid #e4e7eb}' +
    '.sb-composer textarea{flex:1;resize:none;font:inherit;padding:8px 10px;border:1px solid #cbd2d9;border-radius:10px}' +
    '.sb-send{border:0;border-radius:10px;padding:0 14px;background:var(--sb-accent);color:#fff;font-weight:600;cursor:pointer}' +
    '.sb-send:disabled{opacity:.5}' +
    '.sb-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}' +
    '@media (max-width:600px){.sb{right:12px;bottom:12px;left:12px}.sb-panel{position:fixed;inset:0;width:auto;height:auto;margin:0;border-radius:0}.sb-qr{display:none}}';

  var host = document.createElement('div');
  host.id = 'switchboard-messenger';
  var root = host.attachShadow({ mode: 'open' });
  var style = document.createElement('style');
  style.textContent = css;
  var app = document.createElement('div');
  app.innerHTML = '<div class="sb"><button class="sb-launcher" aria-label="Open chat" aria-expanded="false">' +
    '<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg></button></div>';
  root.appendChild(style);
  root.appendChild(app);

  var loading = null;
  function load() {
    if (!loading) {
      loading = import(base + '/widget/pkg/switchboard_widget.js').then(function (m) {
        return m.default({ module_or_path: base + '/widget/pkg/switchboard_widget_bg.wasm' }).then(function () { return m; });
      });
    }
    return loading;
  }
  var mounted = false;
  function open() {
    if (mounted) return;
    var launcher = app.querySelector('.sb-launcher');
    launcher.setAttribute('aria-busy', 'true');
    load().then(function (m) {
      if (mounted) return;
      mounted = true;
      app.textContent = '';
      m.mount(app, base, number || null);
      if (perf) perf.mark('switchboard:messenger-mounted');
    }, function () {
      launcher.removeAttribute('aria-busy');
      launcher.title = 'The chat could not load. Try again.';
      loading = null;
    });
  }
  var launcher = app.querySelector('.sb-launcher');
  launcher.addEventListener('click', open, { once: false });
  // Warm the download when the visitor shows intent, without blocking anything.
  launcher.addEventListener('pointerenter', load, { once: true });
  launcher.addEventListener('focus', load, { once: true });
  function attach() {
    document.body.appendChild(host);
    if (perf) perf.mark('switchboard:launcher-visible');
    if (script.getAttribute('data-open') === 'true') open(); }
  if (document.body) attach(); else document.addEventListener('DOMContentLoaded', attach);
})();
