// Benchmark (not a test): building the due queue for 10,000 cards in Node. Target ≤ 50 ms.
//   node bench/srs-queue.bench.ts
import { buildQueue } from '../widgets/core/srs-queue.ts';
import type { MemoryState } from '../widgets/core/srs-schedule.ts';

const N = 10_000;
const now = Date.parse('2025-06-01T12:00:00Z');
const keys = Array.from({ length: N }, (_, i) => `deck:${i}`);
const states = new Map<string, MemoryState>();
keys.forEach((k, i) => {
  if (i % 5 === 0) return; // a fifth never reviewed
  const due = now + (((i * 7919) % 61) - 30) * 86_400_000; // due from a month ago to a month ahead
  states.set(k, {
    due,
    stability: 10,
    difficulty: 5,
    scheduledDays: 10,
    learningSteps: 0,
    reps: 3,
    lapses: 0,
    state: 2,
    lastReview: due - 10 * 86_400_000,
  });
});
const runs: number[] = [];
let length = 0;
for (let r = 0; r < 25; r++) {
  const t = performance.now();
  length = buildQueue(keys, states, now, 'due').length;
  runs.push(performance.now() - t);
}
runs.sort((a, b) => a - b);
console.log(
  `due queue, ${N} cards (${length} due): median ${runs[12]!.toFixed(2)} ms, max ${runs[24]!.toFixed(2)} ms over 25 runs`,
);
