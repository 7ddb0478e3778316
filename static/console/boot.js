// Starts the console's WebAssembly. A file of its own (not an inline script) so the console's
// Content-Security-Policy can forbid inline script entirely (see static/_headers).
import init, { mount } from '/console/pkg/switchboard_console.js';

await init({ module_or_path: '/console/pkg/switchboard_console_bg.wasm' });
const root = document.getElementById('app');
root.textContent = '';
mount(root);
