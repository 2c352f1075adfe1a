/** Where the 3D view's labels are anchored (widgets/subspace-view/labels.ts). */
import { describe, expect, it } from 'vitest';
import { demoUpdate } from '../../../widgets/subspace-view/demo.ts';
import { labelAnchors, type Project } from '../../../widgets/subspace-view/labels.ts';
import { examplePicture } from '../../../widgets/subspace-view/model.ts';
import type { Layers } from '../../../widgets/subspace-view/scene.ts';

const ALL: Layers = { inputs: true, images: true, arrows: true, colB: true, singular: true };
/** A camera looking down −z: screen x = x, screen y = −y (y grows downwards on screen). */
const front: Project = (x, y) => [x, -y];

describe('labelAnchors', () => {
  it('names the longest arrow at its base, its tip and its middle', () => {
    const p = examplePicture(demoUpdate(2, 5).deltaW);
    const a = labelAnchors(p, ALL, front);
    const len = (i: number) => Math.hypot(...[0, 1, 2].map((k) => p.moved[3 * i + k]! - p.base[3 * i + k]!));
    const best = Array.from({ length: p.n }, (_, i) => i).reduce((b, i) => (len(i) > len(b) ? i : b), 0);
    const at = (v: Float64Array) => [0, 1, 2].map((k) => v[3 * best + k]!);
    expect(a.get('wx')).toEqual(at(p.base));
    expect(a.get('wdx')).toEqual(at(p.moved));
    expect(a.get('dw')).toEqual(at(p.base).map((x, k) => (x + at(p.moved)[k]!) / 2));
  });

  it('puts σᵢuᵢ past each tip, one per singular direction shown', () => {
    const p = examplePicture(demoUpdate(2, 5).deltaW);
    const a = labelAnchors(p, ALL, front);
    expect(a.get('s1')).toEqual([0, 1, 2].map((k) => p.singular[k]! * 1.12));
    expect(a.get('s2')).toEqual([0, 1, 2].map((k) => p.singular[3 + k]! * 1.12));
    expect(a.get('s3')).toBeNull();
  });

  it('anchors col(B) on the line at its point furthest up and to the right on screen', () => {
    const p = examplePicture(demoUpdate(1, 5).deltaW);
    const c = labelAnchors(p, ALL, front).get('colB')!;
    // On the line through ±1.5·b: the end with the larger x + y (screen x − screen y).
    const b = [0, 1, 2].map((k) => p.colB[k]!);
    const sign = b[0]! + b[1]! >= 0 ? 1 : -1;
    b.forEach((x, k) => expect(c[k]).toBeCloseTo(1.5 * sign * x, 12));
  });

  it('hides the labels of hidden layers, and col(B) when it is all of space or behind the camera', () => {
    const p = examplePicture(demoUpdate(2, 5).deltaW);
    const a = labelAnchors(p, { ...ALL, images: false, arrows: false, singular: false }, front);
    for (const k of ['wx', 'wdx', 'dw', 's1', 's2']) expect(a.get(k)).toBeNull();
    expect(a.get('colB')).not.toBeNull();
    expect(labelAnchors(p, ALL, () => null).get('colB')).toBeNull();
    expect(labelAnchors(examplePicture(demoUpdate(3, 5).deltaW), ALL, front).get('colB')).toBeNull();
  });
});
