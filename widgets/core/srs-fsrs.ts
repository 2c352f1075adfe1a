/**
 * The parts of ts-fsrs that srs-schedule.ts uses, re-exported by name: `loadScheduler()` imports
 * this module lazily, and naming the exports (instead of importing the whole namespace) lets the
 * bundler leave out the rest of the library. Importing it patches `Date.prototype`; only
 * `loadScheduler()` may import it, and it undoes that. Read through a dynamic import, which knip
 * cannot follow: hence `@public`.
 *
 * @public
 */
export { fsrs, generatorParameters, createEmptyCard } from 'ts-fsrs';
