// Builds browser-json/probe (a test-only wasm bridge) and loads it into Node, so a test can hand
// JSON text to the very decoder the Messenger and the console ship, and read what it made of it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './edge.mjs';

const OUT = join(ROOT, 'target/json-probe');

/** `{ decode(kind, json), encode(kind, json) }`: both return JSON text or "not understood". */
export async function loadProbe() {
  execFileSync('cargo', ['build', '--quiet', '--release', '--target', 'wasm32-unknown-unknown',
    '-p', 'switchboard-browser-json-probe'], { cwd: ROOT, stdio: 'inherit' });
  execFileSync('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', OUT,
    join(ROOT, 'target/wasm32-unknown-unknown/release/switchboard_browser_json_probe.wasm')],
    { cwd: ROOT, stdio: 'inherit' });
  const probe = await import(join(OUT, 'switchboard_browser_json_probe.js'));
  probe.initSync({ module: readFileSync(join(OUT, 'switchboard_browser_json_probe_bg.wasm')) });
  return probe;
}
