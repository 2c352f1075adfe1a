/** What each public element is for, in one line; pages list the ones that have landed. */
export const WIDGET_CATALOG = [
  {
    tag: 'lora-trainer',
    name: 'LoRA trainer',
    blurb: 'Trains a real LoRA adapter in your browser: frozen W, trainable A and B, live loss curves.',
    example: '<lora-trainer rank="8"></lora-trainer>',
  },
  {
    tag: 'subspace-view',
    name: 'Subspace view',
    blurb: 'A 3D picture of what a low-rank update does to space.',
    example: '<subspace-view rank="2"></subspace-view>',
  },
  {
    tag: 'srs-quiz',
    name: 'Spaced-repetition quiz',
    blurb: 'Self-graded cards on an FSRS schedule, progress kept in the browser.',
    example: '<srs-quiz deck="lora-peft"></srs-quiz>',
  },
  {
    tag: 'peft-calculator',
    name: 'PEFT cost calculator',
    blurb: 'What LoRA, QLoRA and full fine-tuning cost on real models: parameters, file size, memory.',
    example: '<peft-calculator model="llama2-7b" rank="8"></peft-calculator>',
  },
  {
    tag: 'lora-lm',
    name: 'Hot-swap language model',
    blurb: 'A tiny language model with a frozen base: train two LoRA adapters in your browser, swap, merge, compare.',
    example: '<lora-lm prompt="The adapter " seed="1"></lora-lm>',
  },
  {
    tag: 'study-plan',
    name: 'Study plan',
    blurb:
      'A plan to your interview date: new cards, reviews and minutes for each day, and your predicted recall on the day.',
    example: '<study-plan interview-date="2027-03-01" minutes-per-day="30" days-off="sunday"></study-plan>',
  },
  {
    tag: 'mock-interview',
    name: 'Mock interview',
    blurb: 'A timed mock interview: questions from the lessons, rubrics to tick, the score fed into your reviews.',
    example: '<mock-interview minutes="20" lessons="qlora lora-peft"></mock-interview>',
  },
  {
    tag: 'srs-progress',
    name: 'Spaced-repetition progress',
    blurb:
      'What your review log says: reviews per day, retention against your target, the cards due soon and mastery per lesson.',
    example: '<srs-progress deck="lora-peft qlora"></srs-progress>',
  },
] as const;
