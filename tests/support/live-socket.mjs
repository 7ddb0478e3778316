// A minimal WebSocket client over node:http for the integration tests (Node 20 has none built in):
// the upgrade's status when refused, else text frames as they arrive, masked client frames, close.
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';

/** Opens `url` (http://…) as a WebSocket. Resolves `{ status, body }` when refused, else a socket. */
export function openLiveSocket(url, { origin } = {}) {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      headers: {
        connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'), ...(origin ? { origin } : {}),
      },
    });
    req.on('response', async (res) => {
      let body = '';
      for await (const chunk of res) body += chunk;
      resolve({ status: res.statusCode, body });
    });
    req.on('upgrade', (res, socket) => resolve(wrap(socket)));
    req.on('error', reject);
    req.end();
  });
}

function wrap(socket) {
  const messages = [];
  const waiting = [];
  let buffer = Buffer.alloc(0);
  // A large frame (a DevTools event can carry megabytes) is gathered once, not copied per chunk.
  let pending = [];
  let pendingBytes = 0;
  let needed = 0;
  const closed = { code: null, reason: null };
  socket.on('data', (chunk) => {
    if (needed) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < needed) return;
      buffer = Buffer.concat(pending);
      pending = [];
      needed = 0;
    } else {
      buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    }
    for (;;) {
      if (buffer.length < 2) return;
      const opcode = buffer[0] & 0x0f;
      let length = buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) { if (buffer.length < 4) return; length = buffer.readUInt16BE(2); offset = 4; }
      else if (length === 127) { if (buffer.length < 10) return; length = Number(buffer.readBigUInt64BE(2)); offset = 10; }
      if (buffer.length < offset + length) {
        needed = offset + length;
        pending = [buffer];
        pendingBytes = buffer.length;
        buffer = Buffer.alloc(0);
        return;
      }
      const payload = buffer.subarray(offset, offset + length);
      buffer = buffer.subarray(offset + length);
      if (opcode === 1) {
        const text = payload.toString('utf8');
        const w = waiting.shift();
        if (w) w(text); else messages.push(text);
      } else if (opcode === 8) {
        closed.code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        closed.reason = payload.subarray(2).toString('utf8');
        // Answer the closing handshake (masked, as a client must), then hang up.
        socket.end(Buffer.from([0x88, 0x80, 0, 0, 0, 0]));
        onClose();
      }
    }
  });
  let onClose;
  const closing = new Promise((res) => { onClose = res; socket.on('close', res); });
  return {
    status: 101,
    closed,
    /** The next text frame (or fails after `ms`). */
    next(ms = 5000) {
      if (messages.length) return Promise.resolve(messages.shift());
      return new Promise((res, rej) => {
        const t = setTimeout(() => rej(new Error('no message within ' + ms + ' ms')), ms);
        waiting.push((m) => { clearTimeout(t); res(m); });
      });
    },
    /** Frames received and not read yet. */
    pending: () => messages.slice(),
    send(text) {
      const payload = Buffer.from(text);
      const mask = randomBytes(4);
      const header = payload.length < 126
        ? Buffer.from([0x81, 0x80 | payload.length])
        : Buffer.from([0x81, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
      const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
      socket.write(Buffer.concat([header, mask, masked]));
    },
    /** Resolves once the server closed the connection. */
    whenClosed: () => closing,
    end() { socket.destroy(); },
  };
}
