import { describe, expect, it } from 'vitest';
import { crc32, fnv1a32 } from '../../../widgets/core/hash.ts';
import type { Matrix } from '../../../widgets/core/matrix.ts';
import {
  CONFIG_FILE,
  encodeAdapterConfig,
  encodeAdapterWeights,
  parseAdapterConfig,
  PeftFormatError,
  peftTensorName,
  readPeftZip,
  WEIGHTS_FILE,
  writePeftZip,
  type PeftAdapter,
} from '../../../widgets/core/peft-format.ts';
import { halfToFloat, readSafetensors, SafetensorsError, writeSafetensors } from '../../../widgets/core/safetensors.ts';
import { readZip, writeZip, ZipError } from '../../../widgets/core/zip.ts';

const enc = new TextEncoder();

function mat(rows: number, cols: number, start = 0): Matrix {
  return { rows, cols, data: Float32Array.from({ length: rows * cols }, (_, i) => start + i / 8 - 1) };
}

/** Hand-built safetensors bytes from a header object and a raw buffer. */
function rawSafetensors(header: unknown, buffer: Uint8Array, headerLength?: number): Uint8Array {
  const json = enc.encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + buffer.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, headerLength ?? json.length, true);
  out.set(json, 8);
  out.set(buffer, 8 + json.length);
  return out;
}

describe('hashes', () => {
  it('CRC-32 and FNV-1a check values', () => {
    expect(crc32(enc.encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(fnv1a32(enc.encode(''))).toBe(0x811c9dc5);
    expect(fnv1a32(enc.encode('a'))).toBe(0xe40c292c);
    expect(fnv1a32(enc.encode('foobar'))).toBe(0xbf9cf968);
  });
});

describe('zip (stored)', () => {
  const entries = [
    { name: 'a.txt', data: enc.encode('hello') },
    { name: 'dir/ü.bin', data: new Uint8Array([0, 255, 1, 2]) },
    { name: 'empty', data: new Uint8Array(0) },
  ];

  it('round-trips entries, reproducibly', () => {
    const zip = writeZip(entries);
    expect(Array.from(writeZip(entries))).toEqual(Array.from(zip));
    const back = readZip(zip);
    expect(back.map((e) => e.name)).toEqual(entries.map((e) => e.name));
    back.forEach((e, i) => expect(Array.from(e.data)).toEqual(Array.from(entries[i].data)));
    expect(new DataView(zip.buffer).getUint32(0, true)).toBe(0x04034b50);
  });

  it('reads a zip that sits inside a larger buffer', () => {
    const zip = writeZip(entries);
    const big = new Uint8Array(zip.length + 10);
    big.set(zip, 10);
    expect(readZip(big.subarray(10)).length).toBe(3);
  });

  it('rejects what it cannot read, saying why', () => {
    const zip = writeZip(entries);
    expect(() => readZip(new Uint8Array(10))).toThrow(ZipError);
    expect(() => readZip(enc.encode('x'.repeat(100)))).toThrow(/no end-of-central-directory/);
    const corrupt = zip.slice();
    corrupt[30 + 5] ^= 0xff; // first byte of a.txt's data
    expect(() => readZip(corrupt)).toThrow(/CRC-32 mismatch/);
    const deflated = zip.slice();
    const cd = new DataView(deflated.buffer).getUint32(deflated.length - 22 + 16, true);
    new DataView(deflated.buffer).setUint16(cd + 10, 8, true); // method 8 = deflate
    expect(() => readZip(deflated)).toThrow(/compressed \(method 8\)/);
    expect(() => readZip(zip.subarray(0, zip.length - 5))).toThrow(ZipError);
    expect(() => writeZip([entries[0], entries[0]])).toThrow(/duplicate/);
  });
});

describe('safetensors', () => {
  it('round-trips F32 tensors with the documented layout', () => {
    const A = mat(2, 3);
    const bytes = writeSafetensors({
      'x.weight': { shape: [2, 3], data: A.data },
      s: { shape: [], data: Float32Array.of(7) },
    });
    const v = new DataView(bytes.buffer);
    const n = v.getUint32(0, true);
    expect(v.getUint32(4, true)).toBe(0);
    expect((8 + n) % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header.__metadata__).toEqual({ format: 'pt' });
    expect(header['x.weight']).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(header.s).toEqual({ dtype: 'F32', shape: [], data_offsets: [24, 28] });
    expect(v.getFloat32(8 + n + 4, true)).toBe(A.data[1]); // little-endian, row-major
    const back = readSafetensors(bytes);
    expect(back.metadata).toEqual({ format: 'pt' });
    expect(Array.from(back.tensors.get('x.weight')!.data)).toEqual(Array.from(A.data));
    expect(back.tensors.get('s')!.shape).toEqual([]);
  });

  it('reads F16, BF16 and F64 as float32', () => {
    const buf = new Uint8Array(2 + 2 + 8);
    const v = new DataView(buf.buffer);
    v.setUint16(0, 0x3c00, true); // F16 1.0
    v.setUint16(2, 0xc040, true); // BF16 −3.0
    v.setFloat64(4, 0.5, true);
    const file = readSafetensors(
      rawSafetensors(
        {
          h: { dtype: 'F16', shape: [1], data_offsets: [0, 2] },
          b: { dtype: 'BF16', shape: [1], data_offsets: [2, 4] },
          d: { dtype: 'F64', shape: [1], data_offsets: [4, 12] },
        },
        buf,
      ),
    );
    expect(file.tensors.get('h')!.data[0]).toBe(1);
    expect(file.tensors.get('b')!.data[0]).toBe(-3);
    expect(file.tensors.get('d')!.data[0]).toBe(0.5);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
  });

  const four = new Uint8Array(4);
  const cases: [string, Uint8Array, RegExp][] = [
    ['shorter than 8 bytes', new Uint8Array(5), /8-byte header length/],
    ['header length 0', rawSafetensors({}, four, 0), /header length is 0/],
    [
      'header length past the end',
      rawSafetensors({ t: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, four, 10_000),
      /runs past the end/,
    ],
    [
      'header not JSON',
      (() => {
        const b = rawSafetensors({}, four);
        b[8] = 0x7a;
        return b;
      })(),
      /not valid UTF-8 JSON/,
    ],
    ['header an array', rawSafetensors([1, 2], four), /not a JSON object/],
    [
      'offsets past the buffer',
      rawSafetensors({ t: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, four),
      /run past the 4-byte buffer/,
    ],
    [
      'offsets reversed',
      rawSafetensors({ t: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, four),
      /invalid data_offsets/,
    ],
    ['unsupported dtype', rawSafetensors({ t: { dtype: 'I32', shape: [1], data_offsets: [0, 4] } }, four), /dtype I32/],
    [
      'shape and bytes disagree',
      rawSafetensors({ t: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 4] } }, four),
      /needs 16/,
    ],
    [
      'negative dimension',
      rawSafetensors({ t: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, four),
      /invalid shape/,
    ],
    [
      'overlap',
      rawSafetensors(
        {
          a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
          b: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
        },
        four,
      ),
      /overlaps/,
    ],
    ['gap', rawSafetensors({ t: { dtype: 'F16', shape: [1], data_offsets: [2, 4] } }, four), /gap before tensor t/],
    [
      'trailing bytes',
      rawSafetensors({ t: { dtype: 'F16', shape: [1], data_offsets: [0, 2] } }, four),
      /2 trailing bytes/,
    ],
    ['metadata not strings', rawSafetensors({ __metadata__: { a: 1 } }, new Uint8Array(0)), /__metadata__\.a/],
  ];
  it.each(cases)('rejects: %s', (_, bytes, message) => {
    expect(() => readSafetensors(bytes)).toThrow(SafetensorsError);
    expect(() => readSafetensors(bytes)).toThrow(message);
  });
});

describe('PEFT adapter files', () => {
  const adapter: PeftAdapter = {
    config: {
      peft_type: 'LORA',
      r: 2,
      lora_alpha: 16,
      lora_dropout: 0.05,
      use_rslora: false,
      target_modules: ['fc1', 'fc2'],
      bias: 'none',
      task_type: null,
      base_model_name_or_path: 'marginalia/mlp-64-64@base-seed=1',
    },
    A: { fc1: mat(2, 5), fc2: mat(2, 4, 3) },
    B: { fc1: mat(4, 2, 1), fc2: mat(3, 2, 2) },
  };

  it('writes adapter_config.json with PEFT field names and round-trips the zip exactly', () => {
    const json = JSON.parse(encodeAdapterConfig(adapter.config));
    expect(json).toMatchObject({
      peft_type: 'LORA',
      r: 2,
      lora_alpha: 16,
      lora_dropout: 0.05,
      use_rslora: false,
      target_modules: ['fc1', 'fc2'],
      bias: 'none',
      task_type: null,
      base_model_name_or_path: 'marginalia/mlp-64-64@base-seed=1',
      fan_in_fan_out: false,
    });
    const zip = writePeftZip(adapter);
    expect(readZip(zip).map((e) => e.name)).toEqual([CONFIG_FILE, WEIGHTS_FILE]);
    const names = [...readSafetensors(encodeAdapterWeights(adapter)).tensors.keys()];
    expect(names).toEqual([
      'base_model.model.fc1.lora_A.weight',
      'base_model.model.fc1.lora_B.weight',
      'base_model.model.fc2.lora_A.weight',
      'base_model.model.fc2.lora_B.weight',
    ]);
    const back = readPeftZip(zip);
    expect(back.config).toEqual(adapter.config);
    for (const t of ['fc1', 'fc2']) {
      expect(back.A[t]).toEqual(adapter.A[t]);
      expect(back.B[t]).toEqual(adapter.B[t]);
    }
  });

  it('finds the files inside a folder of the archive, and accepts PEFT adapter-name tensors', () => {
    const weights = readSafetensors(encodeAdapterWeights(adapter));
    const renamed: Record<string, { shape: readonly number[]; data: Float32Array }> = {};
    for (const [k, t] of weights.tensors) renamed[k.replace('.weight', '.default.weight')] = t;
    const zip = writeZip([
      { name: 'out/', data: new Uint8Array(0) },
      { name: `out/${CONFIG_FILE}`, data: enc.encode(encodeAdapterConfig(adapter.config)) },
      { name: `out/${WEIGHTS_FILE}`, data: writeSafetensors(renamed) },
    ]);
    expect(readPeftZip(zip).A['fc2']).toEqual(adapter.A['fc2']);
  });

  function zipWith(config: unknown, weights: Uint8Array = encodeAdapterWeights(adapter)): Uint8Array {
    return writeZip([
      { name: CONFIG_FILE, data: enc.encode(JSON.stringify(config)) },
      { name: WEIGHTS_FILE, data: weights },
    ]);
  }
  const cfg = JSON.parse(encodeAdapterConfig(adapter.config));

  it.each([
    [{ ...cfg, peft_type: 'IA3' }, /peft_type .*only "LORA"/],
    [{ ...cfg, r: 0 }, /r must be an integer ≥ 1/],
    [{ ...cfg, lora_alpha: 'x' }, /lora_alpha/],
    [{ ...cfg, lora_dropout: 1 }, /lora_dropout/],
    [{ ...cfg, target_modules: 'all-linear' }, /target_modules/],
    [{ ...cfg, bias: 'all' }, /bias .*only "none"/],
    [{ ...cfg, use_dora: true }, /DoRA/],
    [{ ...cfg, fan_in_fan_out: true }, /fan_in_fan_out/],
    [{ ...cfg, rank_pattern: { fc1: 4 } }, /rank_pattern/],
    [[1, 2], /not a JSON object/],
  ])('rejects adapter_config.json %#', (config, message) => {
    expect(() => readPeftZip(zipWith(config))).toThrow(PeftFormatError);
    expect(() => readPeftZip(zipWith(config))).toThrow(message);
    expect(() => parseAdapterConfig(config)).toThrow(message);
  });

  it('rejects missing files, missing or misshapen tensors, and strays', () => {
    const onlyConfig = writeZip([{ name: CONFIG_FILE, data: enc.encode(JSON.stringify(cfg)) }]);
    expect(() => readPeftZip(onlyConfig)).toThrow(/adapter_model.safetensors is missing/);
    const notJson = writeZip([
      { name: CONFIG_FILE, data: enc.encode('{') },
      { name: WEIGHTS_FILE, data: encodeAdapterWeights(adapter) },
    ]);
    expect(() => readPeftZip(notJson)).toThrow(/not valid UTF-8 JSON/);

    const tensors = (drop: string[], extra: Record<string, { shape: number[]; data: Float32Array }> = {}) => {
      const all: Record<string, { shape: readonly number[]; data: Float32Array }> = {};
      for (const [k, t] of readSafetensors(encodeAdapterWeights(adapter)).tensors) if (!drop.includes(k)) all[k] = t;
      return writeSafetensors({ ...all, ...extra });
    };
    const bName = peftTensorName('fc2', 'B');
    expect(() => readPeftZip(zipWith(cfg, tensors([bName])))).toThrow(`missing tensor ${bName}`);
    const fc2 = [peftTensorName('fc2', 'A'), bName];
    expect(() => readPeftZip(zipWith(cfg, tensors(fc2)))).toThrow(
      /missing tensor .*fc2.lora_A.weight for target module fc2/,
    );
    const wrongA = { [peftTensorName('fc1', 'A')]: { shape: [3, 5], data: new Float32Array(15) } };
    expect(() => readPeftZip(zipWith(cfg, tensors([peftTensorName('fc1', 'A')], wrongA)))).toThrow(
      /shape \[3, 5\]; expected \[2, k\]/,
    );
    const stray = { 'base_model.model.fc1.bias': { shape: [4], data: new Float32Array(4) } };
    expect(() => readPeftZip(zipWith(cfg, tensors([], stray)))).toThrow(/unexpected tensor base_model.model.fc1.bias/);
    const untargeted = { [peftTensorName('fc3', 'A')]: { shape: [2, 4], data: new Float32Array(8) } };
    expect(() => readPeftZip(zipWith(cfg, tensors([], untargeted)))).toThrow(/not in target_modules/);
    const wrongDtype = rawSafetensors(
      { [peftTensorName('fc1', 'A')]: { dtype: 'I64', shape: [2, 5], data_offsets: [0, 80] } },
      new Uint8Array(80),
    );
    expect(() => readPeftZip(zipWith(cfg, wrongDtype))).toThrow(SafetensorsError);
  });
});
