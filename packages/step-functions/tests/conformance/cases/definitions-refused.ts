import { fn, type ConformanceCase } from '../case.ts';

const ASL = 'Amazon States Language specification';
const CREATE = 'Step Functions API Reference > CreateStateMachine > Errors > InvalidDefinition';

const refused = (name: string, source: string, definition: unknown, refusedMatches?: RegExp): ConformanceCase => ({
  name,
  source,
  definition,
  expect: { refused: 'InvalidDefinition', ...(refusedMatches !== undefined && { refusedMatches }) },
});

const pass = { Type: 'Pass', End: true };

export const definitionsRefused: ConformanceCase[] = [
  refused('Not JSON', CREATE, '{ "StartAt": '),
  refused('No StartAt', `${ASL} > Top-level fields ("StartAt" is required)`, { States: { A: pass } }),
  refused('StartAt names no state', `${ASL} > Top-level fields ("StartAt ... MUST exactly match one of the names of the States")`, { StartAt: 'Missing', States: { A: pass } }, /MISSING_TRANSITION_TARGET/),
  refused('Next names no state', `${ASL} > Transitions`, { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } }, /Nowhere/),
  refused('Unknown state Type', `${ASL} > States ("Type" is one of Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map)`, { StartAt: 'A', States: { A: { Type: 'Bogus', End: true } } }),
  refused('Task without Resource', `${ASL} > Task State ("Resource" is required)`, { StartAt: 'A', States: { A: { Type: 'Task', End: true } } }),
  refused('Both Next and End', `${ASL} > Transitions ("Next" and "End": exactly one)`, { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B', End: true }, B: pass } }),
  refused('Neither Next nor End on a Pass state', `${ASL} > Transitions`, { StartAt: 'A', States: { A: { Type: 'Pass' } } }),
  refused('An unreachable state', `${ASL} > Transitions ("every state must be reachable")`, { StartAt: 'A', States: { A: pass, B: pass } }, /not reachable/),
  refused('A Fail state with Next', `${ASL} > Fail State ("Fail states ... cannot have Next")`, { StartAt: 'A', States: { A: { Type: 'Fail', Next: 'B' }, B: pass } }),
  refused('A Choice state without Choices', `${ASL} > Choice State ("Choices" is required and non-empty)`, { StartAt: 'A', States: { A: { Type: 'Choice', Default: 'B' }, B: pass } }),
  refused('States.ALL not alone in a Retrier', 'Step Functions Developer Guide > Error handling > Retrying after an error ("States.ALL ... must appear alone ... and in the last retrier")', { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution', Parameters: { StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:x' }, Retry: [{ ErrorEquals: ['States.ALL', 'Custom'] }], End: true } } }),
  refused('States.ALL in a Retrier that is not the last', 'Step Functions Developer Guide > Error handling > Retrying after an error ("States.ALL ... must appear in the last retrier")', { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::states:startExecution', Parameters: { StateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:x' }, Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['Custom'] }], End: true } } }),
  refused('Duplicate state names across a Parallel branch and the top level', `${ASL} > States ("State names MUST be unique within the scope of the whole state machine")`, { StartAt: 'A', States: { A: { Type: 'Parallel', Branches: [{ StartAt: 'A', States: { A: pass } }], End: true } } }),
  refused('A JSONata expression that does not parse', 'Step Functions Developer Guide > Transforming data with JSONata (expressions are validated at creation)', { QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', Output: '{% $states.input.( %}', End: true } } }),
  refused('InputPath that is not a path', 'Step Functions Developer Guide > Processing input and output > Reference Paths', { StartAt: 'A', States: { A: { Type: 'Pass', InputPath: 'not a path', End: true } } }),
  refused('Distributed Map is refused by this engine (naming the feature)', 'Engine scope: Distributed Map (Step Functions Developer Guide > Map state in Distributed mode) is not supported', { StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: pass } }, End: true } } }, /Distributed Map/),
  refused('ItemReader is refused by this engine', 'Engine scope: ItemReader belongs to Distributed Map', { StartAt: 'M', States: { M: { Type: 'Map', ItemReader: { Resource: 'arn:aws:states:::s3:getObject', Parameters: { Bucket: 'b', Key: 'k' } }, ItemProcessor: { StartAt: 'P', States: { P: pass } }, End: true } } }, /ItemReader/),
  refused('ResultWriter is refused by this engine', 'Engine scope: ResultWriter belongs to Distributed Map', { StartAt: 'M', States: { M: { Type: 'Map', ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'b', Prefix: 'p' } }, ItemProcessor: { StartAt: 'P', States: { P: pass } }, End: true } } }, /ResultWriter/),
  refused('ItemBatcher is refused by this engine', 'Engine scope: ItemBatcher belongs to Distributed Map', { StartAt: 'M', States: { M: { Type: 'Map', ItemBatcher: { MaxItemsPerBatch: 2 }, ItemProcessor: { StartAt: 'P', States: { P: pass } }, End: true } } }, /ItemBatcher/),
  refused('An activity Resource is refused (activities are not supported), naming the state', 'Engine scope: activities (Step Functions Developer Guide > Activities) are not supported', { StartAt: 'Act', States: { Act: { Type: 'Task', Resource: 'arn:aws:states:us-east-1:123456789012:activity:approve', End: true } } }, /Act/),
  refused('An integration with no implementation is refused, naming state and resource', 'Engine scope: only supplied integrations run (README > Supported and refused)', { StartAt: 'Send', States: { Send: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { QueueUrl: 'q', MessageBody: 'm' }, End: true } } }, /'Send' \(arn:aws:states:::sqs:sendMessage\)/),
  refused('A Lambda Task is refused when no invokeFunction is supplied', 'Engine scope: Lambda tasks need StepFunctionsEngineOptions.invokeFunction', { StartAt: 'L', States: { L: { Type: 'Task', Resource: fn('Hello'), End: true } } }, /'L'/),
  refused('JSONPath field in a JSONata state (OutputPath)', 'Step Functions Developer Guide > Transforming data with JSONata ("InputPath, Parameters, ResultSelector, ResultPath and OutputPath are not supported in JSONata states")', { QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', OutputPath: '$.x', End: true } } }),
  refused('A JSONPath state inside a JSONata state machine', "localstack tests/aws/services/stepfunctions/v2/test_sfn_api_validation.snapshot.json (\"'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine\")", { QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } } }, /can not be 'JSONPath'/),
  refused('Wait with both Seconds and Timestamp', `${ASL} > Wait State ("exactly one of Seconds, Timestamp, SecondsPath, TimestampPath")`, { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, Timestamp: '2024-01-01T00:00:00Z', End: true } } }),
  {
    name: 'Bad execution input (not JSON) is InvalidExecutionInput',
    source: 'Step Functions API Reference > StartExecution > Errors > InvalidExecutionInput',
    definition: { StartAt: 'A', States: { A: pass } },
    inputText: '{ not json',
    expect: { startRefused: 'InvalidExecutionInput' },
  },
  {
    name: 'An execution name with spaces is InvalidName',
    source: 'Step Functions API Reference > StartExecution > name ("A name must not contain whitespace") > Errors > InvalidName',
    definition: { StartAt: 'A', States: { A: pass } },
    executionName: 'has spaces',
    expect: { startRefused: 'InvalidName' },
  },
  {
    name: 'Negative control: a minimal valid definition is accepted',
    source: `${ASL} > Example: Hello World`,
    definition: { Comment: 'A Hello World example of the Amazon States Language using a Pass state', StartAt: 'HelloWorld', States: { HelloWorld: { Type: 'Pass', Result: 'Hello World!', End: true } } },
    expect: { status: 'SUCCEEDED', output: 'Hello World!' },
  },
];
