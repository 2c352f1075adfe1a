import { describe, expect, it } from 'vitest';
import { LoraConfigError, LoraStateError } from '../../../widgets/core/trainer.ts';
import {
  fromWireError,
  parseMessage,
  parseRequest,
  request,
  toWireError,
  transferables,
} from '../../../widgets/engine/protocol.ts';

describe('engine protocol', () => {
  it('round-trips a request through structured clone', () => {
    const req = request(7, 3, 'train', { steps: 50, seq: 2 });
    const back = parseRequest(structuredClone(req));
    expect(back).toEqual(req);
  });

  it('rejects what is not a request of this protocol', () => {
    for (const bad of [
      null,
      1,
      'x',
      {},
      { kind: 'request' },
      { kind: 'request', id: 1, trainer: 1, op: 'nope' },
      { kind: 'request', id: 1.5, trainer: 1, op: 'train' },
    ]) {
      expect(parseRequest(bad)).toBeNull();
    }
  });

  it('parses responses, progress, backend and recover messages, and nothing else', () => {
    expect(parseMessage({ kind: 'ready', protocol: 1 })).toEqual({ kind: 'ready', protocol: 1 });
    expect(parseMessage({ kind: 'response', id: 1, ok: true, result: 3 })).not.toBeNull();
    expect(parseMessage({ kind: 'response', id: 1, ok: false, error: { name: 'E', message: 'm' } })).not.toBeNull();
    expect(parseMessage({ kind: 'response', id: 1, ok: false, error: 'm' })).toBeNull();
    const losses = new Float32Array([1, 2]);
    expect(
      parseMessage({ kind: 'progress', id: 1, trainer: 2, step: 2, loss: 2, valLoss: null, losses }),
    ).not.toBeNull();
    expect(
      parseMessage({ kind: 'progress', id: 1, trainer: 2, step: 2, loss: 2, valLoss: null, losses: [1, 2] }),
    ).toBeNull();
    expect(
      parseMessage({ kind: 'backend', trainer: 1, report: { backend: 'cpu', host: 'worker', reason: 'r' } }),
    ).not.toBeNull();
    expect(parseMessage({ kind: 'recover', trainer: 1, reason: 'device lost', lr: 0.001 })).not.toBeNull();
    expect(parseMessage({ kind: 'recover', trainer: 1, reason: 'device lost' })).toBeNull();
    expect(parseMessage({ kind: 'other' })).toBeNull();
  });

  it('rebuilds the core error classes, with the field of a config error', () => {
    const wire = structuredClone(toWireError(new LoraConfigError('rank', 'rank: must be ≥ 1')));
    expect(wire).toEqual({ name: 'LoraConfigError', message: 'rank: must be ≥ 1', field: 'rank' });
    const e = fromWireError(wire);
    expect(e).toBeInstanceOf(LoraConfigError);
    expect((e as LoraConfigError).field).toBe('rank');
    expect(fromWireError(toWireError(new LoraStateError('merged')))).toBeInstanceOf(LoraStateError);
    const other = fromWireError(toWireError(new RangeError('steps')));
    expect(other.name).toBe('RangeError');
    expect(other.message).toBe('steps');
    expect(toWireError('plain')).toEqual({ name: 'Error', message: 'plain' });
  });

  it('lists every typed array buffer once for transfer, at any depth', () => {
    const a = new Float32Array(4);
    const b = new Float32Array(8);
    const shared = new Float32Array(16);
    const value = {
      layers: [{ W: { rows: 2, cols: 2, data: a }, A: null }, { B: { data: b } }],
      views: [shared.subarray(0, 4), shared.subarray(4, 8)],
      bytes: new Uint8Array(3),
      n: 3,
    };
    const list = transferables(value);
    expect(list).toHaveLength(4);
    expect(list).toContain(a.buffer);
    expect(list).toContain(shared.buffer);
    // Transferring really moves them.
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(value, list);
    expect(a.byteLength).toBe(0);
    port1.close();
    port2.close();
  });
});
