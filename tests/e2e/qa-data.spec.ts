import { test, expect } from '@playwright/test';
import { builtHtml } from './support/site.ts';

/**
 * Interview questions as data (issue 18): /decks/qa/<lesson>.json is served for every lesson
 * listed in /decks/index.json, in the format `<mock-interview>` reads (src/lib/qa-build.ts), and
 * every question's anchor and rubric are on its lesson page.
 */
interface IndexLesson {
  slug: string;
  title: string;
  url: string;
  deck: string | null;
  qa: string;
}
interface Question {
  id: string;
  q: string;
  difficulty: string;
  rubric: string[];
  cards: string[];
  answer: string;
  anchor: string;
}

test('every lesson publishes its questions with rubrics, linked cards and answers', async ({ request }) => {
  const index = (await (await request.get('/decks/index.json')).json()) as { lessons: IndexLesson[] };
  expect(index.lessons.length).toBeGreaterThan(0);
  const deckCards = new Map<string, Set<string>>();
  const cardsOf = async (deck: string) => {
    if (!deckCards.has(deck)) {
      const r = await request.get(`/decks/${deck}.json`);
      expect(r.status(), `deck ${deck}`).toBe(200);
      const d = (await r.json()) as { cards: { id: string }[] };
      deckCards.set(deck, new Set(d.cards.map((c) => c.id)));
    }
    return deckCards.get(deck)!;
  };
  let total = 0;
  for (const lesson of index.lessons) {
    expect(lesson.qa).toBe(`/decks/qa/${lesson.slug}.json`);
    const r = await request.get(lesson.qa);
    expect(r.status(), lesson.qa).toBe(200);
    expect(r.headers()['content-type']).toContain('application/json');
    const data = (await r.json()) as Record<string, unknown>;
    expect(Object.keys(data).sort()).toEqual(['lesson', 'questions', 'title', 'url']);
    expect(data).toMatchObject({ lesson: lesson.slug, title: lesson.title, url: lesson.url });
    const questions = data.questions as Question[];
    expect(questions.length, lesson.slug).toBeGreaterThan(0);
    const html = builtHtml(lesson.url);
    expect(questions.length, `${lesson.slug}: one entry per question on the page`).toBe(
      html.match(/<details class="qa"/g)?.length ?? 0,
    );
    for (const q of questions) {
      const where = `${lesson.slug} ${q.id}`;
      expect(Object.keys(q).sort()).toEqual(['anchor', 'answer', 'cards', 'difficulty', 'id', 'q', 'rubric']);
      expect(q.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(q.anchor).toBe(`qa-${q.id}`);
      expect(q.q.length, where).toBeGreaterThan(0);
      expect(['easy', 'medium', 'hard']).toContain(q.difficulty);
      expect(q.rubric.length, where).toBeGreaterThanOrEqual(2);
      expect(q.rubric.length, where).toBeLessThanOrEqual(5);
      for (const point of q.rubric) expect(typeof point === 'string' && point.trim().length > 0, where).toBe(true);
      expect(q.cards.length, where).toBeGreaterThanOrEqual(1);
      for (const ref of q.cards) {
        const colon = ref.indexOf(':');
        expect(colon, `${where}: ${ref}`).toBeGreaterThan(0);
        expect((await cardsOf(ref.slice(0, colon))).has(ref.slice(colon + 1)), `${where}: ${ref}`).toBe(true);
      }
      expect(q.answer, where).toMatch(/^<p>/);
      expect(q.answer, where).not.toMatch(/<Cite|<QA|<script|\sstyle=/);
      expect(html, `${where}: anchor on the lesson page`).toContain(`id="${q.anchor}"`);
      total++;
    }
  }
  expect(total).toBeGreaterThanOrEqual(71);
});

test('a question opens from its anchor and shows what a good answer covers', async ({ page, request }) => {
  const index = (await (await request.get('/decks/index.json')).json()) as { lessons: IndexLesson[] };
  const lesson = index.lessons[0]!;
  const { questions } = (await (await request.get(lesson.qa)).json()) as { questions: Question[] };
  const q = questions[questions.length - 1]!;
  await page.goto(`${lesson.url}#${q.anchor}`);
  const details = page.locator(`#${q.anchor}`);
  await expect(details.getByRole('heading', { level: 3 })).toHaveText(q.q);
  await details.locator('summary').click();
  await expect(details.getByText('A good answer covers:')).toBeVisible();
  await expect(details.locator('.qa-rubric-points li')).toHaveText(q.rubric);
});
