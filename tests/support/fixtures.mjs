// Shared set-up for integration and browser tests: an edge with a Graph stand-in and connected numbers.
import { rmSync } from 'node:fs';
import { startEdge } from './edge.mjs';
import { startGraphStandin } from './graph-standin.mjs';

export async function startStack(options = {}) {
  const graph = await startGraphStandin();
  const edge = await startEdge({ graphBase: graph.base, ...options });
  return {
    graph,
    edge,
    /** Registers the number with the stand-in and connects it through the admin API. */
    async connect({ id = '106540352242922', waba = '102290129340398', display = '+1 555-078-3881', label = 'Support', token = `EAAG${id}secret`, ...extra } = {}) {
      await graph.addNumber({ phone_number_id: id, waba_id: waba, access_token: token, display_phone_number: display });
      const r = await this.edge.adminJson('/numbers', {
        method: 'POST',
        body: JSON.stringify({ phone_number_id: id, waba_id: waba, access_token: token, label, ...extra }),
      });
      if (r.status !== 201) throw new Error(`connect failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    /** Restarts the Worker on the same KV/D1 state (e.g. after seeding the database offline). */
    async restart(between = async () => {}) {
      const { statePath } = this.edge;
      await this.edge.stopKeepingState();
      await between(statePath);
      this.edge = await startEdge({ graphBase: graph.base, ...options, state: statePath });
      this.ownedState = statePath;
    },
    async stop() {
      await this.edge.stop();
      if (this.ownedState) rmSync(this.ownedState, { recursive: true, force: true });
      await graph.close();
    },
  };
}
