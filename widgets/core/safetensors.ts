/**
 * The safetensors format (https://huggingface.co/docs/safetensors, "Format"):
 *
 *   bytes 0…7     N, the header length: unsigned 64-bit little-endian
 *   bytes 8…8+N   the header: UTF-8 JSON object
 *                   { "__metadata__": { string: string }?,
 *                     "<tensor name>": { "dtype": "F32", "shape": [d₀, d₁, …],
 *                                        "data_offsets": [begin, end] }, … }
 *   rest          the byte buffer; a tensor's bytes are buffer[begin … end), row-major (C order),
 *                 little-endian; the offsets cover the buffer with no gaps and no overlaps.
 *
 * The writer emits F32 tensors in the order given, pads the header with spaces so the buffer
 * starts 8-byte aligned (as the reference implementation does), and adds
 * `__metadata__: {"format": "pt"}` unless told otherwise. The reader accepts F32, F64, F16 and
 * BF16 tensors (converted to float32) and rejects everything else with a `SafetensorsError`.
 */

export type SafetensorsDType = 'F32' | 'F64' | 'F16' | 'BF16';

const DTYPE_BYTES: Readonly<Record<SafetensorsDType, number>> = { F32: 4, F64: 8, F16: 2, BF16: 2 };

/** Headers larger than this are refused (the reference implementation's limit is 100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

export interface TensorInput {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface Tensor {
  /** The dtype in the file (the data is converted to float32). */
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface SafetensorsFile {
  readonly tensors: ReadonlyMap<string, Tensor>;
  readonly metadata: Readonly<Record<string, string>> | null;
}

/** The file is malformed or holds something this reader does not support. */
export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

/** Serialises float32 tensors (in the given order) to safetensors bytes. */
export function writeSafetensors(
  tensors: Readonly<Record<string, TensorInput>>,
  metadata: Readonly<Record<string, string>> = { format: 'pt' },
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const names = Object.keys(tensors);
  for (const name of names) {
    if (name === '__metadata__') throw new SafetensorsError('writeSafetensors: "__metadata__" is not a tensor name');
    const t = tensors[name];
    const numel = t.shape.reduce((a, b) => a * b, 1);
    if (!t.shape.every((d) => Number.isInteger(d) && d >= 0) || numel !== t.data.length) {
      throw new SafetensorsError(
        `writeSafetensors: ${name} has shape [${t.shape.join(', ')}] but ${t.data.length} values`,
      );
    }
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + 4 * numel] };
    offset += 4 * numel;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((8 + json.length) / 8) * 8 - 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const v = new DataView(out.buffer);
  v.setUint32(0, json.length, true);
  v.setUint32(4, 0, true);
  out.set(json, 8);
  let p = 8 + json.length;
  for (const name of names) {
    const d = tensors[name].data;
    for (let i = 0; i < d.length; i++, p += 4) v.setFloat32(p, d[i], true);
  }
  return out;
}

/** Parses and validates safetensors bytes. */
export function readSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.length < 8) {
    throw new SafetensorsError(
      `safetensors: the file is ${bytes.length} bytes; it must start with an 8-byte header length`,
    );
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = v.getUint32(0, true);
  const hi = v.getUint32(4, true);
  const n = hi * 4294967296 + lo;
  if (n === 0) throw new SafetensorsError('safetensors: the header length is 0');
  if (n > bytes.length - 8) {
    throw new SafetensorsError(
      `safetensors: the header length ${n} runs past the end of the ${bytes.length}-byte file`,
    );
  }
  if (n > MAX_HEADER_BYTES)
    throw new SafetensorsError(`safetensors: the header length ${n} exceeds ${MAX_HEADER_BYTES} bytes`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch {
    throw new SafetensorsError('safetensors: the header is not valid UTF-8 JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new SafetensorsError('safetensors: the header is not a JSON object');
  }
  const bufStart = 8 + n;
  const bufLen = bytes.length - bufStart;
  let metadata: Record<string, string> | null = null;
  const spans: { name: string; begin: number; end: number }[] = [];
  const parsed: { name: string; dtype: SafetensorsDType; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = parseMetadata(raw);
      continue;
    }
    if (typeof raw !== 'object' || raw === null)
      throw new SafetensorsError(`safetensors: entry ${name} is not an object`);
    const e = raw as Record<string, unknown>;
    const dtype = e['dtype'];
    if (typeof dtype !== 'string') throw new SafetensorsError(`safetensors: tensor ${name} has no dtype`);
    if (!(dtype in DTYPE_BYTES)) {
      throw new SafetensorsError(
        `safetensors: tensor ${name} has dtype ${dtype}; only F32, F64, F16 and BF16 are supported`,
      );
    }
    const shape = e['shape'];
    if (!Array.isArray(shape) || !shape.every((d): d is number => Number.isSafeInteger(d) && d >= 0)) {
      throw new SafetensorsError(`safetensors: tensor ${name} has an invalid shape`);
    }
    const offsets = e['data_offsets'];
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o): o is number => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    ) {
      throw new SafetensorsError(`safetensors: tensor ${name} has invalid data_offsets`);
    }
    const [begin, end] = offsets as [number, number];
    if (end > bufLen) {
      throw new SafetensorsError(
        `safetensors: tensor ${name} data_offsets [${begin}, ${end}] run past the ${bufLen}-byte buffer`,
      );
    }
    const want = shape.reduce((a: number, b: number) => a * b, 1) * DTYPE_BYTES[dtype as SafetensorsDType];
    if (end - begin !== want) {
      throw new SafetensorsError(
        `safetensors: tensor ${name} is ${end - begin} bytes but shape [${shape.join(', ')}] of ${dtype} needs ${want}`,
      );
    }
    spans.push({ name, begin, end });
    parsed.push({ name, dtype: dtype as SafetensorsDType, shape, begin, end });
  }
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const s of spans) {
    if (s.begin < covered) throw new SafetensorsError(`safetensors: tensor ${s.name} overlaps another tensor`);
    if (s.begin > covered) throw new SafetensorsError(`safetensors: the buffer has a gap before tensor ${s.name}`);
    covered = s.end;
  }
  if (covered !== bufLen)
    throw new SafetensorsError(`safetensors: ${bufLen - covered} trailing bytes after the last tensor`);
  const tensors = new Map<string, Tensor>();
  for (const t of parsed) {
    tensors.set(t.name, {
      dtype: t.dtype,
      shape: t.shape,
      data: decode(v, bufStart + t.begin, t.end - t.begin, t.dtype),
    });
  }
  return { tensors, metadata };
}

function parseMetadata(raw: unknown): Record<string, string> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SafetensorsError('safetensors: __metadata__ is not an object');
  }
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof val !== 'string') throw new SafetensorsError(`safetensors: __metadata__.${k} is not a string`);
    out[k] = val;
  }
  return out;
}

function decode(v: DataView, at: number, bytes: number, dtype: SafetensorsDType): Float32Array {
  const n = bytes / DTYPE_BYTES[dtype];
  const out = new Float32Array(n);
  switch (dtype) {
    case 'F32':
      for (let i = 0; i < n; i++) out[i] = v.getFloat32(at + 4 * i, true);
      break;
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = v.getFloat64(at + 8 * i, true);
      break;
    case 'F16':
      for (let i = 0; i < n; i++) out[i] = halfToFloat(v.getUint16(at + 2 * i, true));
      break;
    case 'BF16': {
      const tmp = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < n; i++) {
        tmp.setUint32(0, v.getUint16(at + 2 * i, true) << 16);
        out[i] = tmp.getFloat32(0);
      }
      break;
    }
  }
  return out;
}

/** IEEE 754 binary16 → number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
