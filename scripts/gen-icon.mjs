// Draws images/icon.png (128×128): a lens over a rising scaling curve. Plain zlib + PNG chunks, no image library.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const N = 128;
const px = new Uint8Array(N * N * 4);
const put = (x, y, [r, g, b], a = 1) => {
  if (x < 0 || y < 0 || x >= N || y >= N) return;
  const i = (y * N + x) * 4;
  px[i] = Math.round(px[i] * (1 - a) + r * a);
  px[i + 1] = Math.round(px[i + 1] * (1 - a) + g * a);
  px[i + 2] = Math.round(px[i + 2] * (1 - a) + b * a);
  px[i + 3] = 255;
};
const bg = [18, 32, 58];
const curve = [255, 183, 77];
const lens = [129, 212, 250];
for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) {
  const r = 22; // rounded square
  const dx = Math.max(r - x, x - (N - 1 - r), 0);
  const dy = Math.max(r - y, y - (N - 1 - r), 0);
  if (dx * dx + dy * dy <= r * r) put(x, y, bg);
}
// scaling curve: y = a·log(x) (loss falling with compute), drawn thick with anti-aliasing
for (let x = 14; x < 114; x += 0.25) {
  const t = (x - 14) / 100;
  const y = 104 - 70 * Math.sqrt(t);
  for (let oy = -3; oy <= 3; oy++) for (let ox = -3; ox <= 3; ox++) {
    const d = Math.hypot(ox, oy);
    if (d <= 3.2) put(Math.round(x + ox), Math.round(y + oy), curve, Math.min(1, 3.2 - d));
  }
}
// lens: ring + handle
const cx = 70, cy = 58, R = 26;
for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) {
  const d = Math.hypot(x - cx, y - cy);
  if (d < R - 3) put(x, y, lens, 0.18);
  const ring = Math.abs(d - R);
  if (ring < 4) put(x, y, lens, Math.min(1, 4 - ring));
}
for (let s = 0; s < 30; s += 0.25) {
  const x = cx + (R + 2 + s) * Math.SQRT1_2, y = cy + (R + 2 + s) * Math.SQRT1_2;
  for (let oy = -5; oy <= 5; oy++) for (let ox = -5; ox <= 5; ox++) if (Math.hypot(ox, oy) <= 5) put(Math.round(x + ox), Math.round(y + oy), lens);
}

const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
const chunk = (type, data) => {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
};
const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) { raw[y * (N * 4 + 1)] = 0; Buffer.from(px.buffer, y * N * 4, N * 4).copy(raw, y * (N * 4 + 1) + 1); }
const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(N, 0); ihdr.writeUInt32BE(N, 4); ihdr[8] = 8; ihdr[9] = 6;
const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
const out = resolve(dirname(fileURLToPath(import.meta.url)), '../images/icon.png');
writeFileSync(out, png);
console.log(`wrote ${out} (${png.length} bytes)`);
