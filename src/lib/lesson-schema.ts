import { z } from 'astro/zod';

/** A lesson slug: lowercase words joined by hyphens. */
const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a slug like "lora-peft"');

/** One cited work. `id` is the key that `<Cite id="…">` uses in the lesson body. */
export const sourceSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be a lowercase key like "hu2021"'),
  title: z.string().min(1),
  authors: z.string().min(1).optional(),
  year: z.number().int().min(1900).max(2100).optional(),
  url: z.url(),
  note: z.string().optional(),
});

export const LEVELS = ['intro', 'intermediate', 'advanced'] as const;

export const lessonSchema = z
  .object({
    title: z.string().min(1),
    summary: z.string().min(10),
    track: slug,
    order: z.number().int().positive(),
    level: z.enum(LEVELS),
    prerequisites: z.array(slug).default([]),
    related: z.array(slug).default([]),
    sources: z.array(sourceSchema).min(1),
    deck: slug.optional(),
    updated: z.coerce.date(),
  })
  .strict()
  .superRefine((lesson, ctx) => {
    const seen = new Set<string>();
    lesson.sources.forEach((s, i) => {
      if (seen.has(s.id)) {
        ctx.addIssue({ code: 'custom', path: ['sources', i, 'id'], message: `duplicate source id "${s.id}"` });
      }
      seen.add(s.id);
    });
  });

export type LessonData = z.infer<typeof lessonSchema>;
export type Source = z.infer<typeof sourceSchema>;

/** The sections every lesson body has, as H2 headings, in this order. */
export const ANATOMY = [
  { id: 'what-it-is', title: 'What it is' },
  { id: 'mental-model', title: 'Mental model' },
  { id: 'theory', title: 'Theory' },
  { id: 'concrete-example', title: 'Concrete example' },
  { id: 'key-equations', title: 'Key equations' },
  { id: 'step-by-step', title: 'Step by step' },
  { id: 'reference-code', title: 'Reference code' },
  { id: 'pitfalls', title: 'Pitfalls' },
  { id: 'where-it-shows-up', title: 'Where it shows up' },
  { id: 'interview-questions', title: 'Interview questions' },
] as const;

export const TRACKS: Record<string, { title: string; blurb: string }> = {
  peft: {
    title: 'Parameter-efficient fine-tuning',
    blurb: 'Adapt a large pretrained model by training a small number of new parameters.',
  },
};
