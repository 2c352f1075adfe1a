/**
 * `<study-plan>`'s render module: the settings form, the recall-on-the-day figure, the forecast
 * chart (days × new cards and reviews, minutes as a line) and the same figures as a table, which
 * is what screen readers get (the chart is decoration beside it). SVG geometry is attributes, not
 * inline styles, so the strict CSP of embedding pages allows it.
 */
import { html, nothing, svg, type TemplateResult } from 'lit';
import { WEEKDAYS } from '../core/srs-profile.ts';
import type { PlanDay, StudyPlan } from '../core/study-plan.ts';
import type { TrackLesson } from './sources.ts';
import type { Settings } from './settings.ts';

const pct = (x: number): string => `${Math.round(x * 100)}%`;
const cap = (s: string): string => s[0]!.toUpperCase() + s.slice(1);

/** What the form shows: the settings in effect (or as typed, when rejected) and the lessons to choose from. */
export interface FormModel {
  settings: Settings;
  track: readonly TrackLesson[];
  /** Tomorrow, `YYYY-MM-DD`: the earliest date the date field offers. */
  min: string;
}

export function settingsForm(m: FormModel, onChange: (e: Event) => void): TemplateResult {
  const s = m.settings;
  const withCards = m.track.filter((l) => l.deck);
  const inScope = (slug: string) => !s.lessons || s.lessons.includes(slug);
  return html`<form part="settings" @change=${onChange} @submit=${(e: Event) => e.preventDefault()}>
    <div class="fields">
      <div class="field">
        <label for="f-date">Interview date</label>
        <input id="f-date" name="interview-date" type="date" min=${m.min} .value=${s.interviewDate} required />
      </div>
      <div class="field">
        <label for="f-minutes">Minutes a day</label>
        <input
          id="f-minutes"
          name="minutes-per-day"
          type="number"
          inputmode="numeric"
          min="1"
          max="600"
          step="1"
          .value=${String(s.minutesPerDay)}
        />
      </div>
      <div class="field">
        <label for="f-target">Recall to reach on the day (%)</label>
        <input
          id="f-target"
          name="retention"
          type="number"
          inputmode="numeric"
          min="70"
          max="99"
          step="1"
          .value=${String(Math.round(s.retention * 100))}
        />
      </div>
    </div>
    <fieldset class="days-off">
      <legend>Days off</legend>
      ${WEEKDAYS.map(
        (d) =>
          html`<label class="check"
            ><input type="checkbox" name="days-off" value=${d} .checked=${s.daysOff.includes(d)} />${cap(d)}</label
          >`,
      )}
    </fieldset>
    ${
      withCards.length
        ? html`<fieldset class="lessons">
            <legend>Lessons in scope</legend>
            ${withCards.map(
              (l) =>
                html`<label class="check"
                  ><input type="checkbox" name="lessons" value=${l.slug} .checked=${inScope(l.slug)} />${l.title}</label
                >`,
            )}
          </fieldset>`
        : nothing
    }
  </form>`;
}

/** The predicted recall of the whole scope on the day, against the target. */
export function recallFigure(plan: StudyPlan, s: Settings): TemplateResult | typeof nothing {
  if (!plan.days.length) return nothing;
  return html`<p class="recall" part="recall">
    Predicted recall on ${s.interviewDate}: <strong>${pct(plan.recallOnDay)}</strong> of the ${plan.cards}
    card${plan.cards === 1 ? '' : 's'} (target ${pct(s.retention)}).
    <meter min="0" max="1" low=${s.retention - 0.001} optimum="1" .value=${plan.recallOnDay} aria-hidden="true"></meter>
  </p>`;
}

const W = 12;
const H = 100;

function chart(days: readonly PlanDay[], budget: number): TemplateResult {
  const most = Math.max(1, ...days.map((d) => d.newCards + d.reviews));
  const minutesTop = Math.max(budget, ...days.map((d) => d.minutes), 1);
  const y = (n: number) => H - (n / most) * H;
  const line = days.map((d, i) => `${i * W + W / 2},${H - (d.minutes / minutesTop) * H}`).join(' ');
  const budgetY = H - (budget / minutesTop) * H;
  return html`<svg
    class="chart"
    part="chart"
    viewBox="0 0 ${days.length * W} ${H}"
    preserveAspectRatio="none"
    aria-hidden="true"
    focusable="false"
  >
    ${days.map((d, i) =>
      d.dayOff
        ? svg`<rect class="off" x=${i * W + 1} y="0" width=${W - 2} height=${H}></rect>`
        : svg`<rect class="reviews" x=${i * W + 2} y=${y(d.reviews)} width=${W - 4} height=${H - y(d.reviews)}></rect>
          <rect class="new" x=${i * W + 2} y=${y(d.reviews + d.newCards)} width=${W - 4} height=${H - y(d.newCards)}></rect>`,
    )}
    <line
      class="budget"
      x1="0"
      x2=${days.length * W}
      y1=${budgetY}
      y2=${budgetY}
      vector-effect="non-scaling-stroke"
    ></line>
    <polyline class="minutes" points=${line} vector-effect="non-scaling-stroke"></polyline>
  </svg>`;
}

/**
 * Where the chart and the table will be, before the settings make a plan: says what will appear,
 * in the room the page reserved for it.
 */
export function emptyForecast(): TemplateResult {
  return html`<p class="empty">
    Your day-by-day plan appears here: new cards and reviews for each day up to the interview, and the minutes they
    take.
  </p>`;
}

/** The chart and the table of days; today first. */
export function forecast(plan: StudyPlan, s: Settings): TemplateResult | typeof nothing {
  if (!plan.days.length) return nothing;
  return html`<h3 id="forecast">Day by day</h3>
    <p class="legend" aria-hidden="true">
      <span class="key new"></span>new cards <span class="key reviews"></span>reviews
      <span class="key minutes"></span>minutes (dashed: your ${s.minutesPerDay})
    </p>
    ${chart(plan.days, s.minutesPerDay)}
    <div class="wrap" part="forecast" role="region" aria-labelledby="forecast" tabindex="0">
      <table>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">New</th>
            <th scope="col">Reviews</th>
            <th scope="col">Minutes</th>
          </tr>
        </thead>
        <tbody>
          ${plan.days.map(
            (d, i) =>
              html`<tr class=${d.dayOff ? 'off' : ''}>
                <th scope="row">${i === 0 ? `Today (${d.date})` : d.date}</th>
                ${
                  d.dayOff
                    ? html`<td colspan="3">Day off</td>`
                    : html`<td>${d.newCards}</td>
                        <td>${d.reviews}${d.extraReviews ? ` (${d.extraReviews} before the day)` : ''}</td>
                        <td>${Math.round(d.minutes)}</td>`
                }
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
}
