/** Byte helpers: hex, unpadded base64url, UTF-8 and concatenation (PROTOCOL.md section 1). */

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

export const concat = (...parts: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};

export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");

export const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, "hex"));

export const toBase64Url = (bytes: Uint8Array): string => Buffer.from(bytes).toString("base64url");

export const fromBase64Url = (text: string): Uint8Array => {
  const bytes = Uint8Array.from(Buffer.from(text, "base64url"));
  if (toBase64Url(bytes) !== text) throw new Error("not canonical unpadded base64url");
  return bytes;
};

/** `len32(x)`: a 4-byte big-endian length. */
export const len32 = (length: number): Uint8Array => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, length);
  return out;
};

/** A UUID's 16 bytes from its lowercase text. */
export const uuidBytes = (uuid: string): Uint8Array => {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuid)) {
    throw new Error(`not a lowercase UUID: ${uuid}`);
  }
  return fromHex(uuid.replaceAll("-", ""));
};
