import type { HistoryEvent } from '../../../src/index.ts';
import type { ConformanceCase } from '../case.ts';

/** The Wait state exits at the given instant (the virtual clock starts at 2024-01-01T00:00:00Z). */
// Virtual time runs at wall-clock speed between jumps, so the exit lands within a few ms of the
// due time, never before it.
function exitsAt(history: readonly HistoryEvent[], iso: string): void {
  const exited = history.find((event) => event.type === 'WaitStateExited');
  const late = (exited?.timestamp.getTime() ?? Number.NaN) - Date.parse(iso);
  if (!(late >= 0 && late < 50)) throw new Error(`WaitStateExited at ${exited?.timestamp.toISOString()}, expected ${iso}`);
}

const DOC = 'Step Functions Developer Guide > Wait workflow state';

export const wait: ConformanceCase[] = [
  {
    name: 'Seconds: 10 waits ten seconds (virtual time) and passes the input through',
    source: `${DOC} > Wait state examples ("Seconds": 10)`,
    definition: { StartAt: 'wait_ten_seconds', States: { wait_ten_seconds: { Type: 'Wait', Seconds: 10, End: true } } },
    input: { a: 1 },
    expect: { status: 'SUCCEEDED', output: { a: 1 }, events: ['ExecutionStarted', 'WaitStateEntered', 'WaitStateExited', 'ExecutionSucceeded'], timestamps: [{ from: 'WaitStateEntered', to: 'WaitStateExited', seconds: 10 }] },
  },
  {
    name: 'A day-long wait shows the day in the history',
    source: `${DOC} > Seconds ("the maximum is 99999999 seconds")`,
    definition: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 86400, End: true } } },
    expect: { status: 'SUCCEEDED', timestamps: [{ from: 'ExecutionStarted', to: 'ExecutionSucceeded', seconds: 86400 }] },
  },
  {
    name: 'Timestamp waits until an absolute time',
    source: `${DOC} > Wait state examples ("Timestamp": "2016-03-14T01:59:00Z" form)`,
    definition: { StartAt: 'W', States: { W: { Type: 'Wait', Timestamp: '2024-01-01T01:00:00Z', End: true } } },
    expect: { status: 'SUCCEEDED', check: (_r, history) => exitsAt(history, '2024-01-01T01:00:00.000Z') },
  },
  {
    name: 'A Timestamp in the past does not wait',
    source: `${DOC} > Timestamp ("2016-03-14T01:59:00Z", already passed)`,
    definition: { StartAt: 'W', States: { W: { Type: 'Wait', Timestamp: '2016-03-14T01:59:00Z', End: true } } },
    expect: { status: 'SUCCEEDED', timestamps: [{ from: 'WaitStateEntered', to: 'WaitStateExited', seconds: 0 }] },
  },
  {
    name: 'TimestampPath reads the time from the input',
    source: `${DOC} > Wait state examples ("TimestampPath": "$.expirydate")`,
    definition: { StartAt: 'W', States: { W: { Type: 'Wait', TimestampPath: '$.expirydate', End: true } } },
    input: { expirydate: '2024-01-01T00:30:00Z' },
    expect: { status: 'SUCCEEDED', output: { expirydate: '2024-01-01T00:30:00Z' }, check: (_r, history) => exitsAt(history, '2024-01-01T00:30:00.000Z') },
  },
  {
    name: 'SecondsPath reads the seconds from the input',
    source: `${DOC} > Wait state examples ("SecondsPath": "$.expiryseconds")`,
    definition: { StartAt: 'W', States: { W: { Type: 'Wait', SecondsPath: '$.expiryseconds', End: true } } },
    input: { expiryseconds: 45 },
    expect: { status: 'SUCCEEDED', timestamps: [{ from: 'WaitStateEntered', to: 'WaitStateExited', seconds: 45 }] },
  },
  {
    name: 'SecondsPath to a missing field fails with States.Runtime',
    source: 'Step Functions Developer Guide > Error handling > States.Runtime (a path that does not exist)',
    definition: { StartAt: 'W', States: { W: { Type: 'Wait', SecondsPath: '$.nope', End: true } } },
    input: {},
    expect: { status: 'FAILED', error: 'States.Runtime' },
  },
  {
    name: 'JSONata Seconds expression',
    source: `${DOC} (JSONata: "Seconds": "{% ... %}")`,
    definition: { QueryLanguage: 'JSONata', StartAt: 'W', States: { W: { Type: 'Wait', Seconds: '{% $states.input.delay * 2 %}', End: true } } },
    input: { delay: 30 },
    expect: { status: 'SUCCEEDED', timestamps: [{ from: 'WaitStateEntered', to: 'WaitStateExited', seconds: 60 }] },
  },
  {
    name: 'Two waits add up',
    source: `${DOC} > Seconds`,
    definition: { StartAt: 'A', States: { A: { Type: 'Wait', Seconds: 5, Next: 'B' }, B: { Type: 'Wait', Seconds: 7, End: true } } },
    expect: { status: 'SUCCEEDED', timestamps: [{ from: 'WaitStateEntered#1', to: 'WaitStateExited#2', seconds: 12 }] },
  },
  {
    name: 'Wait OutputPath filters the passed-through input',
    source: `${DOC} (Wait supports InputPath and OutputPath)`,
    definition: { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, OutputPath: '$.keep', End: true } } },
    input: { keep: { k: 1 }, drop: 2 },
    expect: { status: 'SUCCEEDED', output: { k: 1 } },
  },
];
