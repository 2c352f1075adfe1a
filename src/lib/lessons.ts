import { getCollection, type CollectionEntry } from 'astro:content';
import { TRACKS } from './lesson-schema.ts';
import { readingMinutes } from './text.ts';

export type Lesson = CollectionEntry<'lessons'>;

/** Every lesson, ordered by track then `order`. */
export async function allLessons(): Promise<Lesson[]> {
  const lessons = await getCollection('lessons');
  return lessons.sort((a, b) => a.data.track.localeCompare(b.data.track) || a.data.order - b.data.order);
}

export interface TrackGroup {
  id: string;
  title: string;
  blurb: string;
  lessons: Lesson[];
}

/** Lessons grouped by track, in catalog order. */
export function groupByTrack(lessons: Lesson[]): TrackGroup[] {
  const groups = new Map<string, TrackGroup>();
  for (const lesson of lessons) {
    const id = lesson.data.track;
    const track = TRACKS[id] ?? { title: id, blurb: '' };
    if (!groups.has(id)) groups.set(id, { id, ...track, lessons: [] });
    groups.get(id)!.lessons.push(lesson);
  }
  return [...groups.values()];
}

/** The lessons before and after this one within its track. */
export function neighbours(lessons: Lesson[], lesson: Lesson): { prev?: Lesson; next?: Lesson } {
  const track = lessons.filter((l) => l.data.track === lesson.data.track);
  const i = track.findIndex((l) => l.id === lesson.id);
  const out: { prev?: Lesson; next?: Lesson } = {};
  if (i > 0) out.prev = track[i - 1];
  if (i >= 0 && i < track.length - 1) out.next = track[i + 1];
  return out;
}

export const minutesFor = (lesson: Lesson): number => readingMinutes(lesson.body ?? '');
export const lessonUrl = (id: string): string => `${import.meta.env.BASE_URL}lessons/${id}/`;
