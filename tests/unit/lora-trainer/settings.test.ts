import { describe, expect, it } from 'vitest';
import { parseSettings, peftSnippet, readUrlState, writeUrlState } from '../../../widgets/lora-trainer/settings.ts';
import { rankCap } from '../../../widgets/lora-trainer/shapes.ts';
import { DEFAULTS } from '../../../widgets/core/trainer-config.ts';

describe('parseSettings', () => {
  it('gives the defaults with no attributes', () => {
    const { settings, errors } = parseSettings({});
    expect(errors).toEqual([]);
    expect(settings.config).toMatchObject({
      scenario: 'low-rank-shift',
      rank: 8,
      alpha: 8,
      lr: DEFAULTS.lr,
      trueRank: 4,
      batch: 32,
      seed: 1,
      baseSeed: 1,
      targets: ['fc1', 'fc2'],
      mode: 'lora',
    });
    expect(settings).toMatchObject({ backend: 'auto', controls: 'full', pitfalls: [] });
  });

  it('reads valid attributes', () => {
    const { settings, errors } = parseSettings({
      scenario: 'overfit',
      rank: '16',
      'train-size': '64',
      dropout: '0.1',
      seed: '7',
      'base-seed': '3',
      target: 'fc2',
      rslora: '',
      lr: '0.001',
      alpha: '32',
      pitfall: 'low-lr,sum-factors',
      controls: 'minimal',
      backend: 'cpu',
    });
    expect(errors).toEqual([]);
    expect(settings.config).toMatchObject({
      scenario: 'overfit',
      rank: 16,
      trainSize: 64,
      dropout: 0.1,
      seed: 7,
      baseSeed: 3,
      targets: ['fc2'],
      rsLora: true,
      lr: 0.001,
      alpha: 32,
    });
    expect(settings).toMatchObject({ controls: 'minimal', backend: 'cpu', pitfalls: ['low-lr', 'sum-factors'] });
  });

  const bad: [Record<string, string>, string, Record<string, unknown>][] = [
    [{ rank: '-3' }, 'rank', { rank: 8 }],
    [{ rank: '2.5' }, 'rank', { rank: 8 }],
    [{ rank: 'eight' }, 'rank', { rank: 8 }],
    [{ rank: '65' }, 'rank', { rank: 8 }],
    [{ scenario: 'classify-2d', rank: '40' }, 'rank', { rank: 8, scenario: 'classify-2d' }],
    [{ scenario: 'mnist' }, 'scenario', { scenario: 'low-rank-shift' }],
    [{ target: 'fc9' }, 'target', { targets: ['fc1', 'fc2'] }],
    [{ target: '' }, 'target', { targets: ['fc1', 'fc2'] }],
    [{ lr: '0' }, 'lr', { lr: DEFAULTS.lr }],
    [{ alpha: '-1' }, 'alpha', { alpha: 8 }],
    [{ dropout: '1.5' }, 'dropout', { dropout: 0 }],
    [{ 'true-rank': '0' }, 'true-rank', { trueRank: 4 }],
    [{ scenario: 'overfit', 'train-size': '1' }, 'train-size', { trainSize: 128 }],
    [{ batch: '0' }, 'batch', { batch: 32 }],
    [{ seed: '1.5' }, 'seed', { seed: 1 }],
  ];
  for (const [raw, attr, expected] of bad) {
    it(`${JSON.stringify(raw)}: one message naming ${attr}, the default in its place`, () => {
      const { settings, errors } = parseSettings(raw);
      expect(errors.map((e) => e.attribute)).toEqual([attr]);
      expect(errors[0].message).toContain(attr);
      expect(settings.config).toMatchObject(expected);
    });
  }

  it('collects several errors and keeps the valid attributes', () => {
    const { settings, errors } = parseSettings({
      rank: '0',
      lr: 'fast',
      seed: '5',
      controls: 'all',
      backend: 'tpu',
      pitfall: 'alpha-merge,nope',
    });
    expect(errors.map((e) => e.attribute).sort()).toEqual(['backend', 'controls', 'lr', 'pitfall', 'rank']);
    expect(settings.config.seed).toBe(5);
    expect(settings.pitfalls).toEqual(['alpha-merge']);
    expect(settings.controls).toBe('full');
    expect(settings.backend).toBe('auto');
  });

  it('caps rank by the targets', () => {
    expect(rankCap('low-rank-shift', ['fc1'])).toBe(64);
    expect(rankCap('classify-2d', ['fc2', 'fc3'])).toBe(32);
    expect(rankCap('classify-2d', ['fc1'])).toBe(2);
  });
});

describe('URL state', () => {
  it('reads prefixed attributes and the short pitfall link', () => {
    expect(readUrlState('?lt.rank=4&lt.seed=2&other=1')).toEqual({ rank: '4', seed: '2' });
    expect(readUrlState('?pitfall=alpha-merge')).toEqual({ pitfall: 'alpha-merge' });
    expect(readUrlState('?x.rank=2', 'x')).toEqual({ rank: '2' });
  });

  it('writes them back, keeping other parameters and round-tripping', () => {
    const q = writeUrlState('?other=1&pitfall=low-lr&lt.alpha=3', {
      rank: '4',
      seed: '2',
      alpha: null,
      pitfall: 'low-lr',
    });
    const p = new URLSearchParams(q);
    expect(p.get('other')).toBe('1');
    expect(p.get('lt.rank')).toBe('4');
    expect(p.get('lt.alpha')).toBeNull();
    expect(p.get('pitfall')).toBeNull();
    expect(readUrlState(q)).toEqual({ rank: '4', seed: '2', pitfall: 'low-lr' });
  });
});

describe('peftSnippet', () => {
  it('matches the settings', () => {
    const { settings } = parseSettings({ rank: '16', alpha: '32', dropout: '0.05', rslora: '' });
    const code = peftSnippet(settings.config);
    expect(code).toContain('r=16,');
    expect(code).toContain('lora_alpha=32,');
    expect(code).toContain('lora_dropout=0.05,');
    expect(code).toContain('use_rslora=True,');
    expect(code).toContain('target_modules=["fc1", "fc2"],');
    expect(peftSnippet(parseSettings({}).settings.config)).toContain('lora_dropout=0.0,');
  });
});
