/**
 * Test support for the Task integrations: a request as the engine hands one over, with a clock
 * that counts the work an integration asks it to track (the runtime's virtual time waits for
 * tracked work, so an integration that forgets to track its I/O shows as `tracked === 0`).
 */
import type { Clock, TaskRequest } from '@order-flow/local/stepfunctions';

/** A clock that counts the work it was asked to track. */
export type CountingClock = Clock & { tracked: number };

/**
 * A clock that counts the work it was asked to track.
 *
 * @param fixedNow the time it always reads (and sleeps end at once); without it, the real clock
 *   with real sleeps
 */
export function countingClock(fixedNow?: number): CountingClock {
  return {
    tracked: 0,
    now: () => fixedNow ?? Date.now(),
    sleep: (ms) => (fixedNow === undefined ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve()),
    track<T>(work: Promise<T>): Promise<T> {
      this.tracked++;
      return work;
    },
    hold: () => () => undefined,
  };
}

/**
 * A maker of Request Response Task requests in region `us-east-1` for one test file: each
 * request gets a fresh clock from `defaults.clock` and its own abort signal.
 */
export function taskRequests(defaults: { readonly stateName: string; readonly executionArn: string; readonly clock: () => Clock }) {
  return (resource: string, parameters: unknown, overrides: Partial<TaskRequest> = {}): TaskRequest => ({
    resource,
    pattern: 'request-response',
    parameters,
    stateName: defaults.stateName,
    executionArn: defaults.executionArn,
    signal: new AbortController().signal,
    clock: defaults.clock(),
    region: 'us-east-1',
    ...overrides,
  });
}
