/**
 * What every panel of `<lora-trainer>` is given: the settings and the lab's read-only view to
 * draw from, the element's UI-only state, and the actions its controls call. Panels read, and
 * act only through `act`; none of them holds state of its own.
 */
import type { Matrix } from '../../core/matrix.ts';
import type { Download } from '../controllers/downloads.ts';
import type { Invariants, LabView } from '../lab-common.ts';
import type { TemplateResult, nothing } from 'lit';
import type { AttributeName, PitfallId, Settings, SettingsError } from '../settings.ts';

export type Tab = 'story' | 'sweep' | 'adapters' | 'pitfalls' | 'peft';

/** UI state that is the element's alone (nothing of it reaches the trainer). */
export interface UiState {
  tab: Tab;
  /** The layer the anatomy shows ('' = the first adapted one). */
  layer: string;
  /** Keyboard cursor per heatmap key: [row, column]. */
  readonly cursors: Map<string, [number, number]>;
  /** The focused heatmap entry, read out. */
  cellText: string;
  /** Steps per click of Train. */
  steps: number;
  swapNote: string;
  copyNote: string;
  linkNote: string;
}

export const initialUi = (): UiState => ({
  tab: 'story',
  layer: '',
  cursors: new Map(),
  cellText: '',
  steps: 300,
  swapNote: '',
  copyNote: '',
  linkNote: '',
});

/** What the panels' controls do (UI actions: failures are shown inline, never thrown). */
export interface Actions {
  train(): void;
  pause(): void;
  reset(): void;
  merge(): void;
  unmerge(): void;
  saveAdapter(name: string): void;
  useAdapter(name: string): void;
  deleteAdapter(name: string): void;
  /** Imports a PEFT zip; `done` runs when it settled. */
  importAdapter(file: File, done: () => void): void;
  rankSweep(): void;
  cancelSweep(): void;
  /** A settings form's change (or Enter in a number field): writes the attribute it names. */
  setting(e: Event): void;
  settingKey(e: KeyboardEvent): void;
  togglePitfall(id: PitfallId, on: boolean): void;
  /** Switches to another task on the same base (another seed, or the other true rank). */
  anotherTask(): void;
  /** Copies `text` and shows the outcome in the note `note`. */
  copy(text: string, note: 'copyNote' | 'linkNote'): void;
  experimentUrl(): string;
  dismissError(): void;
  /** Re-renders after a change of UI state. */
  refresh(): void;
  /** Resolves when the pending render is done. */
  rendered(): Promise<unknown>;
}

/** The element's read-only properties that the panels show. */
interface TrainerReadouts {
  readonly step: number;
  readonly loss: number;
  readonly valLoss: number | null;
  readonly merged: boolean;
  readonly trainableParams: number;
  readonly frozenParams: number;
  readonly invariants: Invariants;
  readonly adapters: readonly string[];
}

export interface PanelContext {
  readonly settings: Settings;
  readonly errors: readonly SettingsError[];
  readonly runtimeError: string | null;
  readonly recovered: { count: number; reason: string; lr: number } | null;
  readonly lab: LabView;
  /** The engine is starting or started (the element came near the viewport or a method was called). */
  readonly starting: boolean;
  /** The element's read-only properties (step, loss, parameter counts, invariants, …). */
  readonly trainer: TrainerReadouts;
  readonly downloads: ReadonlyMap<string, Download>;
  /** Each setting as its attribute is written (null: absent). */
  readonly written: Partial<Record<AttributeName, string | null>>;
  readonly ui: UiState;
  readonly act: Actions;
  /** The questions of the `predict` attribute (drawn by their own module, loaded with them). */
  readonly predict: { render(): TemplateResult | typeof nothing };
}

/** What the paint functions need: what the panels rendered from, and the page's layout and theme. */
export interface PaintContext extends PanelContext {
  readonly width: number;
  readonly dark: boolean;
  /** The element's computed style (theme colours). */
  readonly style: CSSStyleDeclaration;
  /** The focused element of the shadow root (the heatmap with the keyboard cursor). */
  readonly focused: Element | null;
  /** classify-2d's training points (null until loaded, or for other scenarios). */
  readonly points: { X: Matrix; Y: Matrix } | null;
}

export const count = (n: number): string => n.toLocaleString('en-US');
export const pct = (x: number): string => `${(100 * x).toFixed(x < 0.01 ? 2 : 1)}%`;
export const bytes = (n: number): string =>
  n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1048576).toFixed(2)} MB`;
/** Least width at which the settings sit beside the charts, px. */
export const SIDE_BY_SIDE_MIN = 760;
