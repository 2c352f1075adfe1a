/**
 * ts-fsrs for one load of `<srs-quiz>`: it starts loading once the first screen is drawn
 * (`open()`), or sooner when something needs it (`need()`: the store replaying, a reveal), so
 * the decks and the store come first.
 */
import { loadScheduler, type Scheduler } from '../core/srs-schedule.ts';

export class SchedulerGate {
  /** Settles once ts-fsrs has loaded (or failed to). */
  readonly loading: Promise<Scheduler>;
  private release!: () => void;
  private loaded: Scheduler | undefined;

  constructor(retention: number) {
    const gate = new Promise<void>((resolve) => (this.release = resolve));
    this.loading = gate.then(() => loadScheduler(retention));
    this.loading.then(
      (s) => (this.loaded = s),
      () => undefined, // whoever awaits `loading` sees the failure
    );
  }

  /** The scheduler, if it has loaded. */
  get current(): Scheduler | undefined {
    return this.loaded;
  }

  open(): void {
    this.release();
  }

  /** Starts loading if it has not, and waits for it (rejects if it fails). */
  need = (): Promise<Scheduler> => {
    this.release();
    return this.loading;
  };

  /** Starts loading if it has not, and waits for it; undefined if it could not load. */
  async ready(): Promise<Scheduler | undefined> {
    this.release();
    return this.loaded ?? (await this.loading.catch(() => undefined));
  }
}
