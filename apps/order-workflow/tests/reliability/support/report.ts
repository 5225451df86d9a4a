/**
 * One report line per scenario: the test attaches its numbers to its task meta, and the
 * reliability reporter (`pnpm test:reliability`) prints them.
 */
import type { TestContext } from 'vitest';
import type { InvariantReport } from './invariants.js';

/** The numbers of one scenario. */
export interface ScenarioReport {
  readonly scenario: string;
  readonly orders: number;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly invariantsPassed: number;
  readonly invariantsTotal: number;
  readonly durationMs: number;
  /** Extra facts worth a glance, e.g. faults injected. */
  readonly note?: string;
}

declare module 'vitest' {
  interface TaskMeta {
    reliability?: ScenarioReport;
  }
}

/** Attaches the scenario's numbers to the running test (before its assertions, so a failure reports too). */
export function report(context: TestContext, scenario: string, startedAt: number, invariants: InvariantReport, extra: { orders?: number; note?: string } = {}): void {
  context.task.meta.reliability = {
    scenario,
    orders: extra.orders ?? invariants.orders.length,
    outcomes: invariants.outcomes,
    invariantsPassed: invariants.passed,
    invariantsTotal: invariants.total,
    durationMs: Date.now() - startedAt,
    ...(extra.note !== undefined && { note: extra.note }),
  };
}

/** `scenario | orders | outcome counts | invariants passed | duration` */
export function formatLine(r: ScenarioReport, state = 'pass'): string {
  const outcomes = Object.entries(r.outcomes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const note = r.note ? ` | ${r.note}` : '';
  return `${state === 'pass' ? '✓' : '✗'} ${r.scenario} | ${r.orders} orders | ${outcomes || '-'} | invariants ${r.invariantsPassed}/${r.invariantsTotal} | ${(r.durationMs / 1000).toFixed(1)} s${note}`;
}
