/**
 * The current card's check, for `<srs-quiz>`: what is typed in the answer box, the question
 * asked this review and the outcome. The code that draws and checks questions (check-view.ts,
 * with the generators) loads with the first numeric or cloze card, never before, so a deck of
 * basic cards does not pay for it.
 */
import type { ReactiveControllerHost } from 'lit';
import type { StudyCard } from '../core/srs-deck.ts';
import type { ReviewCheck } from '../core/srs-log.ts';
import type { CardScreen } from './card-view.ts';
import type { Checked, Question } from './check-view.ts';

type View = typeof import('./check-view.ts');

export class AnswerCheck {
  private readonly host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment };
  private view: View | undefined;
  private loading: Promise<View> | undefined;
  private question: Question | undefined;
  private result: Checked | undefined;
  private typed = '';
  private key = '';
  private reviews = 0;

  constructor(host: ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment }) {
    this.host = host;
  }

  private load(): Promise<View> {
    return (this.loading ??= import('./check-view.ts').then((v) => {
      if (this.host.renderRoot instanceof ShadowRoot) v.adoptStyles(this.host.renderRoot);
      return (this.view = v);
    }));
  }

  /** A new card is shown (`reviews`: how often it was reviewed, which seeds its question). */
  reset(card: StudyCard | undefined, reviews: number): void {
    this.result = this.question = undefined;
    this.typed = '';
    this.key = card?.key ?? '';
    this.reviews = reviews;
    if (!card?.check) return;
    void this.load().then((v) => {
      if (this.key !== card.key || this.question) return;
      this.question = v.ask(card, reviews);
      this.host.requestUpdate();
    });
  }

  /** Checks `text` for `card`, the one last `reset` to; throws when the card cannot be asked. */
  async check(card: StudyCard, text: string, ms: number): Promise<Checked> {
    const v = await this.load();
    if (this.key !== card.key) throw new Error('answer() checks the card that is showing');
    this.question ??= v.ask(card, this.reviews);
    if (this.question.error) throw new Error(this.question.error);
    this.typed = text;
    this.result = v.check(this.question, text, ms);
    return this.result;
  }

  /** What the log keeps of this card's check, if it was checked. */
  logged(card: StudyCard): ReviewCheck | undefined {
    const r = this.result;
    if (!r || this.key !== card.key) return undefined;
    return { correct: r.correct, given: r.given, expected: r.expected, suggested: r.suggested };
  }

  /** The card screen's checked parts, once the view has loaded; `submit` checks the box's text. */
  screen(card: StudyCard, submit: (text: string) => void): CardScreen['check'] {
    const v = this.view;
    if (!card.check || this.key !== card.key) return undefined;
    const q = this.question;
    return {
      givens: v ? v.renderGivens(q) : undefined,
      ask: v ? v.renderAsk(q, this.typed, (t) => (this.typed = t), submit) : undefined,
      verdict: v ? v.renderVerdict(q, this.result) : undefined,
      suggested: this.result?.suggested,
    };
  }
}
