import { describe, it, expect } from 'vitest';
import { packStates, unpackStates } from '../../../widgets/srs-store/state-pack.ts';
import type { MemoryState } from '../../../widgets/core/srs-schedule.ts';

const state = (due: number, lastReview: number | null): MemoryState => ({
  due,
  stability: 3.17,
  difficulty: 5.3,
  scheduledDays: 3,
  learningSteps: 0,
  reps: 1,
  lapses: 0,
  state: 2,
  lastReview,
});

describe('state pack (every card state in two stored values)', () => {
  it('round-trips states exactly, a never-reviewed lastReview (null) included', () => {
    const states = new Map([
      ['lora-peft:why-low-rank', state(1_735_776_000_123, 1_735_516_800_000)],
      ['inline:1', { ...state(5, null), state: 1 as const, learningSteps: 1 }],
    ]);
    const pack = packStates(states);
    expect(pack.keys).toEqual([...states.keys()]);
    expect(pack.data).toBeInstanceOf(Float64Array);
    expect(unpackStates(structuredClone(pack))).toEqual(states);
    expect(unpackStates(packStates(new Map()))).toEqual(new Map());
  });

  it('refuses anything that is not a well-formed pack', () => {
    const good = packStates(new Map([['a:b', state(10, 5)]]));
    for (const bad of [
      null,
      'pack',
      { keys: good.keys },
      { keys: good.keys, data: Array.from(good.data) },
      { keys: [...good.keys, 'a:c'], data: good.data },
      { keys: [7], data: good.data },
      { keys: ['a:b', 'a:b'], data: new Float64Array([...good.data, ...good.data]) },
      { keys: good.keys, data: good.data.map((x, i) => (i === 0 ? NaN : x)) },
      { keys: good.keys, data: good.data.map((x, i) => (i === 7 ? 9 : x)) },
    ]) {
      expect(unpackStates(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });
});
