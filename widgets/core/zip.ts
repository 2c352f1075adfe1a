/**
 * A minimal zip archive writer and reader: STORE (no compression) only, no zip64, no encryption
 * (PKWARE APPNOTE.TXT 6.3, §4.3). Enough to ship an adapter as one file.
 *
 * Written archive: for each entry a local file header (30 bytes + name) and the data, then the
 * central directory (46 bytes + name per entry), then the end-of-central-directory record
 * (22 bytes, no comment). Names are UTF-8 (general-purpose flag bit 11); every entry is dated
 * 1980-01-01 00:00 (no clock in the core, and the bytes stay reproducible). Little-endian.
 */
import { crc32 } from './hash.ts';

export interface ZipEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

/** The archive is malformed or uses a feature this reader does not support. */
export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const END_SIG = 0x06054b50;
const VERSION = 20;
const FLAG_UTF8 = 0x0800;
const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
const MAX_U32 = 0xffffffff;

/** Writes a stored (uncompressed) zip of `entries`, in order. */
export function writeZip(entries: readonly ZipEntry[]): Uint8Array {
  const enc = new TextEncoder();
  const names = entries.map((e) => enc.encode(e.name));
  const seen = new Set<string>();
  for (const e of entries) {
    if (e.name.length === 0) throw new ZipError('writeZip: empty entry name');
    if (seen.has(e.name)) throw new ZipError(`writeZip: duplicate entry ${e.name}`);
    seen.add(e.name);
  }
  let localSize = 0;
  let centralSize = 0;
  entries.forEach((e, i) => {
    localSize += 30 + names[i].length + e.data.length;
    centralSize += 46 + names[i].length;
  });
  const total = localSize + centralSize + 22;
  if (total > MAX_U32 || entries.length > 0xffff)
    throw new ZipError('writeZip: archive too large (zip64 is not supported)');
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  const offsets: number[] = [];
  const crcs = entries.map((e) => crc32(e.data));
  let p = 0;
  entries.forEach((e, i) => {
    offsets.push(p);
    v.setUint32(p, LOCAL_SIG, true);
    v.setUint16(p + 4, VERSION, true);
    v.setUint16(p + 6, FLAG_UTF8, true);
    v.setUint16(p + 8, 0, true); // method: stored
    v.setUint16(p + 10, 0, true); // time
    v.setUint16(p + 12, DOS_DATE_1980_01_01, true);
    v.setUint32(p + 14, crcs[i], true);
    v.setUint32(p + 18, e.data.length, true);
    v.setUint32(p + 22, e.data.length, true);
    v.setUint16(p + 26, names[i].length, true);
    v.setUint16(p + 28, 0, true);
    out.set(names[i], p + 30);
    p += 30 + names[i].length;
    out.set(e.data, p);
    p += e.data.length;
  });
  const cdStart = p;
  entries.forEach((e, i) => {
    v.setUint32(p, CENTRAL_SIG, true);
    v.setUint16(p + 4, VERSION, true); // made by
    v.setUint16(p + 6, VERSION, true); // needed
    v.setUint16(p + 8, FLAG_UTF8, true);
    v.setUint16(p + 10, 0, true);
    v.setUint16(p + 12, 0, true);
    v.setUint16(p + 14, DOS_DATE_1980_01_01, true);
    v.setUint32(p + 16, crcs[i], true);
    v.setUint32(p + 20, e.data.length, true);
    v.setUint32(p + 24, e.data.length, true);
    v.setUint16(p + 28, names[i].length, true);
    // extra, comment, disk start, internal/external attributes: all 0
    v.setUint32(p + 42, offsets[i], true);
    out.set(names[i], p + 46);
    p += 46 + names[i].length;
  });
  v.setUint32(p, END_SIG, true);
  v.setUint16(p + 8, entries.length, true);
  v.setUint16(p + 10, entries.length, true);
  v.setUint32(p + 12, p - cdStart, true);
  v.setUint32(p + 16, cdStart, true);
  return out;
}

/**
 * Reads every entry of a stored zip, checking signatures, bounds, sizes and CRC-32s. Directory
 * entries (names ending in '/') are skipped. Throws `ZipError` with the reason.
 */
export function readZip(bytes: Uint8Array): ZipEntry[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  if (n < 22) throw new ZipError(`not a zip archive: ${n} bytes is shorter than an end-of-central-directory record`);
  let end = -1;
  for (let p = n - 22; p >= Math.max(0, n - 22 - 0xffff); p--) {
    if (v.getUint32(p, true) === END_SIG && p + 22 + v.getUint16(p + 20, true) === n) {
      end = p;
      break;
    }
  }
  if (end < 0) throw new ZipError('not a zip archive: no end-of-central-directory record');
  if (v.getUint16(end + 4, true) !== 0 || v.getUint16(end + 6, true) !== 0)
    throw new ZipError('multi-disk zip archives are not supported');
  const count = v.getUint16(end + 10, true);
  const cdSize = v.getUint32(end + 12, true);
  const cdStart = v.getUint32(end + 16, true);
  if (count === 0xffff || cdSize === MAX_U32 || cdStart === MAX_U32)
    throw new ZipError('zip64 archives are not supported');
  if (cdStart + cdSize > end) throw new ZipError('zip central directory lies outside the archive');
  const dec = new TextDecoder('utf-8', { fatal: true });
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let p = cdStart;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cdStart + cdSize || v.getUint32(p, true) !== CENTRAL_SIG)
      throw new ZipError(`zip central directory entry ${i} is corrupt`);
    const flags = v.getUint16(p + 8, true);
    const method = v.getUint16(p + 10, true);
    const crc = v.getUint32(p + 16, true);
    const csize = v.getUint32(p + 20, true);
    const usize = v.getUint32(p + 24, true);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    const localAt = v.getUint32(p + 42, true);
    if (p + 46 + nameLen > cdStart + cdSize) throw new ZipError(`zip central directory entry ${i} is corrupt`);
    let name: string;
    try {
      name = dec.decode(bytes.subarray(p + 46, p + 46 + nameLen));
    } catch {
      throw new ZipError(`zip entry ${i} has a name that is not UTF-8`);
    }
    p += 46 + nameLen + extraLen + commentLen;
    if (flags & 1) throw new ZipError(`zip entry ${name} is encrypted`);
    if (csize === MAX_U32 || usize === MAX_U32 || localAt === MAX_U32)
      throw new ZipError(`zip entry ${name} needs zip64, which is not supported`);
    if (method !== 0) {
      throw new ZipError(
        `zip entry ${name} is compressed (method ${method}); only stored (uncompressed) entries are supported`,
      );
    }
    if (csize !== usize)
      throw new ZipError(`zip entry ${name}: stored entry with different compressed and uncompressed sizes`);
    if (localAt + 30 > cdStart || v.getUint32(localAt, true) !== LOCAL_SIG)
      throw new ZipError(`zip entry ${name}: local header missing`);
    const dataAt = localAt + 30 + v.getUint16(localAt + 26, true) + v.getUint16(localAt + 28, true);
    if (dataAt + csize > cdStart) throw new ZipError(`zip entry ${name}: data runs past the central directory`);
    const data = bytes.slice(dataAt, dataAt + csize);
    if (crc32(data) !== crc) throw new ZipError(`zip entry ${name}: CRC-32 mismatch (corrupt data)`);
    if (name.endsWith('/')) continue;
    if (names.has(name)) throw new ZipError(`zip entry ${name} appears twice`);
    names.add(name);
    entries.push({ name, data });
  }
  return entries;
}
