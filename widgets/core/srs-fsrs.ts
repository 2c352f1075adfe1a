/**
 * The parts of ts-fsrs that the scheduler uses, re-exported by name, and `createScheduler`
 * (srs-scheduler.ts) beside them: `loadScheduler()` imports this module lazily and builds its
 * Scheduler from it, so the wrapper loads with ts-fsrs, after the first card. Naming the exports
 * (instead of importing the whole namespace) lets the bundler leave out the rest of the library.
 * Importing it patches `Date.prototype`; only `loadScheduler()` may import it, and it undoes that.
 * Read through a dynamic import, which knip cannot follow: hence `@public`.
 *
 * @public
 */
export { fsrs, generatorParameters, createEmptyCard } from 'ts-fsrs';
export { createScheduler } from './srs-scheduler.ts';
