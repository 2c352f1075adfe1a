/**
 * Small non-cryptographic hashes over bytes: FNV-1a (for "W never changed" checksums) and
 * CRC-32 (for zip entries).
 */

/** Bytes of a typed array, as stored in memory (little-endian on every platform we target). */
export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * 32-bit FNV-1a: h₀ = 0x811C9DC5; for each byte b: h ← (h ⊕ b)·0x01000193 mod 2³².
 * Pass the previous result as `h` to hash several arrays in sequence.
 */
export function fnv1a32(bytes: Uint8Array, h = 0x811c9dc5): number {
  let x = h >>> 0;
  for (let i = 0; i < bytes.length; i++) x = Math.imul(x ^ bytes[i], 0x01000193);
  return x >>> 0;
}

/** A 32-bit value as 8 lower-case hex digits. */
export function hex32(x: number): string {
  return (x >>> 0).toString(16).padStart(8, '0');
}

/** The CRC-32 lookup table (reflected polynomial 0xEDB88320), built once; never written to. */
const CRC_TABLE: Readonly<Uint32Array> = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 as used by zip, gzip and PNG (ISO-HDLC): crc32("123456789") = 0xCBF43926. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
