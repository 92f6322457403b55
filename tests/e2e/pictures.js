// Pictures for the browser tests: a real PNG of any size to choose as a photo, the size
// of the JPEG the app made of it, and what a QR code on the screen says.
import { crc32, deflateSync } from "node:zlib";
import { join } from "node:path";

/** A PNG of `width` × `height` pixels, a gradient so that it is a real picture. */
export function png(width, height) {
  const chunk = (type, data) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, "ascii");
    data.copy(out, 8);
    out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB
  const row = Buffer.alloc(1 + width * 3);
  for (let x = 0; x < width; x++) row.set([x % 256, (x >> 4) % 256, 128], 1 + x * 3);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  const signature = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

/** A JPEG's width and height, from its start-of-frame marker. */
export function jpegSize(bytes) {
  let at = 2;
  while (at < bytes.length) {
    const marker = bytes[at + 1];
    const length = bytes.readUInt16BE(at + 2);
    if (marker >= 0xc0 && marker <= 0xc3) {
      return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    }
    at += 2 + length;
  }
  throw new Error("no start of frame in the JPEG");
}

/** What the QR code drawn by `svg` (a locator of an `<svg>`) says, read as a phone's
 * camera would: from the picture itself, drawn on white with a quiet zone, by jsQR. */
export async function readQr(svg) {
  await svg.page().addScriptTag({ path: join(import.meta.dirname, "..", "node_modules", "jsqr", "dist", "jsQR.js") });
  return svg.evaluate(async (element) => {
    const size = 400;
    const image = new Image();
    const xml = new XMLSerializer().serializeToString(element);
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(xml)}`;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = size;
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff";
    context.fillRect(0, 0, size, size);
    context.drawImage(image, 20, 20, size - 40, size - 40);
    const pixels = context.getImageData(0, 0, size, size);
    return window.jsQR(pixels.data, size, size)?.data ?? null;
  });
}
