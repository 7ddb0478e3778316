// Builds a real Ogg Opus file (a WhatsApp voice note's format) of silent 20 ms frames, so the
// browser tests can play one without any encoder installed: OpusHead, OpusTags, then audio pages
// (RFC 7845), each page with the Ogg CRC (RFC 3533).
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

function crc(buf) {
  let c = 0;
  for (const b of buf) c = ((c << 8) ^ CRC_TABLE[((c >>> 24) ^ b) & 0xff]) >>> 0;
  return c;
}

function page(packets, { granule, serial, sequence, first = false, last = false }) {
  const lacing = [];
  for (const p of packets) {
    let n = p.length;
    while (n >= 255) { lacing.push(255); n -= 255; }
    lacing.push(n);
  }
  const header = Buffer.alloc(27 + lacing.length);
  header.write('OggS', 0, 'ascii');
  header[4] = 0;
  header[5] = (first ? 0x02 : 0) | (last ? 0x04 : 0);
  header.writeBigInt64LE(BigInt(granule), 6);
  header.writeUInt32LE(serial, 14);
  header.writeUInt32LE(sequence, 18);
  header.writeUInt32LE(0, 22);
  header[26] = lacing.length;
  Buffer.from(lacing).copy(header, 27);
  const out = Buffer.concat([header, ...packets]);
  out.writeUInt32LE(crc(out), 22);
  return out;
}

/** `seconds` of silence as Ogg Opus (mono, 48 kHz). */
export function oggOpusSilence(seconds) {
  const serial = 0x5b0a5b0a;
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'ascii');
  head[8] = 1; head[9] = 1; head.writeUInt16LE(312, 10); head.writeUInt32LE(48000, 12); head.writeInt16LE(0, 16); head[18] = 0;
  const vendor = Buffer.from('switchboard-tests');
  const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
  tags.write('OpusTags', 0, 'ascii'); tags.writeUInt32LE(vendor.length, 8); vendor.copy(tags, 12); tags.writeUInt32LE(0, 12 + vendor.length);
  const pages = [page([head], { granule: 0, serial, sequence: 0, first: true }), page([tags], { granule: 0, serial, sequence: 1 })];
  const frames = Math.round(seconds * 50);
  const silent = Buffer.from([0xf8, 0xff, 0xfe]); // one 20 ms CELT frame of silence
  let granule = 0;
  for (let done = 0, seq = 2; done < frames; seq++) {
    const n = Math.min(50, frames - done);
    done += n;
    granule += n * 960;
    pages.push(page(Array.from({ length: n }, () => silent), { granule: granule + 312, serial, sequence: seq, last: done === frames }));
  }
  return Buffer.concat(pages);
}
