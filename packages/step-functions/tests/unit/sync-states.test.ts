/**
 * States that never wait (JSONPath Pass, Succeed, Choice) run without a promise turn of their
 * own. What must not change with that: StartExecution answers before any state has run
 * ("StartExecution": it starts the execution and returns its ARN and start date; the states run
 * afterwards), and `$$.State.EnteredTime` is when the state was entered ("Accessing execution
 * data from the Context object" > State.EnteredTime), the time its StateEntered event records.
 */
import { describe, expect, it } from 'vitest';
import { StepFunctionsEngine, VirtualClock, type HistoryEvent } from '../../src/index.ts';

const START = Date.UTC(2024, 0, 1);

function passChain(length: number) {
  const States: Record<string, unknown> = {};
  for (let i = 0; i < length; i++) States[`P${i}`] = i === length - 1 ? { Type: 'Pass', End: true } : { Type: 'Pass', Next: `P${i + 1}` };
  return { StartAt: 'P0', States };
}

describe('states that never wait', () => {
  it('a chain of 50 Pass states has run none of its states when startExecution returns, and all of them by its end', async () => {
    const engine = new StepFunctionsEngine({ clock: new VirtualClock(START) });
    const { stateMachineArn } = engine.createStateMachine({ name: 'chain', definition: passChain(50) });
    const seen: string[] = [];
    const { executionArn } = engine.startExecution({ stateMachineArn, input: '{"n":1}' });
    engine.watchExecution(executionArn, (event) => seen.push(event.type));

    expect(engine.getExecutionHistory(executionArn).events.map((event) => event.type)).toEqual(['ExecutionStarted']);
    expect(engine.describeExecution(executionArn).status).toBe('RUNNING');

    // Negative control: the states do run, each with its Entered and Exited event, seen live.
    const result = await engine.waitForExecution(executionArn);
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { n: 1 } });
    expect(seen.filter((type) => type === 'PassStateEntered')).toHaveLength(50);
    expect(seen.filter((type) => type === 'PassStateExited')).toHaveLength(50);
  });

  it('$$.State.EnteredTime is the StateEntered event timestamp; a 10 s Wait between two states moves it by 10 s', async () => {
    const engine = new StepFunctionsEngine({ clock: new VirtualClock(START) });
    const definition = {
      StartAt: 'First',
      States: {
        First: { Type: 'Pass', Parameters: { 'first.$': '$$.State.EnteredTime' }, Next: 'Hold' },
        Hold: { Type: 'Wait', Seconds: 10, Next: 'Second' },
        Second: { Type: 'Pass', Parameters: { 'first.$': '$.first', 'second.$': '$$.State.EnteredTime' }, End: true },
      },
    };
    const { stateMachineArn } = engine.createStateMachine({ name: 'entered', definition });
    const result = await engine.waitForExecution(engine.startExecution({ stateMachineArn }).executionArn);
    const output = result.output as { first: string; second: string };
    const enteredAt = (name: string) =>
      result.history.find((event: HistoryEvent) => event.type === 'PassStateEntered' && (event.stateEnteredEventDetails as { name: string }).name === name)!.timestamp.toISOString();

    expect(output.first).toBe(enteredAt('First'));
    expect(output.second).toBe(enteredAt('Second'));
    // Negative control: the two differ by the Wait (plus the milliseconds of real work).
    const gap = Date.parse(output.second) - Date.parse(output.first);
    expect(gap).toBeGreaterThanOrEqual(10_000);
    expect(gap).toBeLessThan(11_000);
  });
});
