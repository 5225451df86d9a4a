import { describe, expect, it } from 'vitest';
import { InvalidDefinitionError } from '../../src/errors.js';
import { isIntrinsic, isPath, validateDefinition } from '../../src/definition/validate.js';

/** The problems validateDefinition reports ([] when the definition is accepted). */
function problemsOf(definition: unknown): readonly string[] {
  try {
    validateDefinition(definition);
    return [];
  } catch (error) {
    if (error instanceof InvalidDefinitionError) return error.problems;
    throw error;
  }
}

const LAMBDA = 'arn:aws:states:::lambda:invoke';

/** A one-state JSONPath machine around `state`. */
function single(state: Record<string, unknown>, top: Record<string, unknown> = {}): Record<string, unknown> {
  return { StartAt: 'S', States: { S: state }, ...top };
}

/** A Choice state `C` with `choices` (and `extra` fields) whose rules go to the Succeed state `D`. */
function choiceMachine(choices: unknown[], extra: Record<string, unknown> = {}, top: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...top, StartAt: 'C', States: { C: { Type: 'Choice', Choices: choices, ...extra }, D: { Type: 'Succeed' } } };
}

function task(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Type: 'Task', Resource: LAMBDA, End: true, ...extra };
}

describe('validateDefinition: the definition document (localstack test_sfn_api_validation.snapshot.json)', () => {
  it('refuses {} with AWS\'s "These fields are required: [States, StartAt]" at /', () => {
    // Act
    const problems = problemsOf({});

    // Assess
    expect(problems).toEqual(['SCHEMA_VALIDATION_FAILED: These fields are required: [States, StartAt] at /']);
    expect(problemsOf(single({ Type: 'Succeed' }))).toEqual([]); // negative control
  });

  it('refuses a missing StartAt alone (INVALID_BASE_NO_STARTAT)', () => {
    // Act / Assess
    expect(problemsOf({ States: { S: { Type: 'Succeed' } } })).toContain('SCHEMA_VALIDATION_FAILED: These fields are required: [StartAt] at /');
  });

  it('refuses JSON text that is empty or not JSON (EMPTY_STRING, NOT_A_DEF), and a non-object', () => {
    // Act / Assess
    expect(problemsOf('')).toEqual(['SCHEMA_VALIDATION_FAILED: Definition must be a valid JSON object']);
    expect(problemsOf('not a definition')[0]).toMatch(/^INVALID_JSON_DESCRIPTION: /);
    expect(problemsOf('[]')).toEqual(['SCHEMA_VALIDATION_FAILED: Definition must be a valid JSON object']);
    expect(problemsOf(null)).toEqual(['SCHEMA_VALIDATION_FAILED: Definition must be a valid JSON object']);
  });

  it('accepts JSON text and returns the parsed definition', () => {
    // Prepare
    const text = JSON.stringify(single({ Type: 'Pass', End: true }, { Comment: 'c', TimeoutSeconds: 60, Version: '1.0' }));

    // Act
    const definition = validateDefinition(text);

    // Assess
    expect(definition.StartAt).toBe('S');
    expect(definition.States.S?.Type).toBe('Pass');
  });

  it('throws InvalidDefinitionError (name InvalidDefinition) listing every problem, each with where it is', () => {
    // Prepare
    const definition = {
      StartAt: 'A',
      States: {
        A: task({ Retry: [{ ErrorEquals: ['X'], MaxAttempts: -1 }], Next: 'Missing', End: undefined }),
        Orphan: { Type: 'Pass', End: true },
      },
    };

    // Act
    let thrown: unknown;
    try {
      validateDefinition(definition);
    } catch (error) {
      thrown = error;
    }

    // Assess
    expect(thrown).toBeInstanceOf(InvalidDefinitionError);
    const error = thrown as InvalidDefinitionError;
    expect(error.name).toBe('InvalidDefinition');
    expect(error.problems).toEqual([
      "SCHEMA_VALIDATION_FAILED: The field 'MaxAttempts' must be an integer between 0 and 99999999 at /States/A/Retry/0/MaxAttempts",
      "MISSING_TRANSITION_TARGET: Missing 'Next' target: Missing at /States/A/Next",
      'MISSING_TRANSITION_TARGET: State "Orphan" is not reachable. at /States/Orphan',
    ]);
    expect(error.message).toContain('Invalid State Machine Definition: ');
  });

  it('refuses unknown top-level fields and a bad top-level TimeoutSeconds', () => {
    // Act / Assess
    expect(problemsOf(single({ Type: 'Succeed' }, { Foo: 1 }))).toEqual([
      'SCHEMA_VALIDATION_FAILED: The field "Foo" is not supported by Step Functions at /',
    ]);
    expect(problemsOf(single({ Type: 'Succeed' }, { TimeoutSeconds: 0 }))).toHaveLength(1);
    expect(problemsOf(single({ Type: 'Succeed' }, { TimeoutSeconds: 1 }))).toEqual([]);
  });
});

describe('validateDefinition: the asl-validator backstop (its JSON schema of the ASL)', () => {
  it('refuses a Resource that is not an ARN with AWS\'s wording', () => {
    // Act / Assess
    expect(problemsOf(single(task({ Resource: 'lambda' })))).toEqual([
      'SCHEMA_VALIDATION_FAILED: The resource provided lambda is not recognized. The value is not a valid resource ARN, or the resource is not available in this region. at /States/S/Resource',
    ]);
  });

  it('reports what only the schema catches, such as a malformed Resource ARN', () => {
    // Act / Assess
    expect(problemsOf(single(task({ Resource: 'arn:aws:foo:bar' })))).toEqual([
      'SCHEMA_VALIDATION_FAILED: /States/S/Resource is invalid. must match exactly one schema in oneOf',
    ]);
    expect(problemsOf(single(task({ Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f' })))).toEqual([]);
  });

  it('is not fooled by a payload key named "States" (asl-validator takes every $..States for states)', () => {
    // Prepare
    const definition = single({ Type: 'Pass', Parameters: { States: { X: { Type: 'Pass' } }, list: { States: [1] } }, End: true });

    // Act / Assess
    expect(problemsOf(definition)).toEqual([]);
  });
});

describe('validateDefinition: unknown fields (SCHEMA_VALIDATION_FAILED: The field "X" is not supported by Step Functions)', () => {
  it('in a state', () => {
    // Act / Assess
    expect(problemsOf(single(task({ Paramters: {} })))).toEqual([
      'SCHEMA_VALIDATION_FAILED: The field "Paramters" is not supported by Step Functions at /States/S',
    ]);
    expect(problemsOf(single(task({ Parameters: {} })))).toEqual([]);
  });

  it('in a retrier and a catcher', () => {
    // Prepare
    const definition = {
      StartAt: 'S',
      States: {
        S: task({ Retry: [{ ErrorEquals: ['X'], Interval: 1 }], Catch: [{ ErrorEquals: ['X'], Next: 'F', Foo: 1 }] }),
        F: { Type: 'Fail' },
      },
    };

    // Act
    const problems = problemsOf(definition);

    // Assess
    expect(problems).toEqual([
      'SCHEMA_VALIDATION_FAILED: The field "Interval" is not supported by Step Functions at /States/S/Retry/0',
      'SCHEMA_VALIDATION_FAILED: The field "Foo" is not supported by Step Functions at /States/S/Catch/0',
    ]);
  });

  it('Next or End on a Choice, Succeed or Fail state', () => {
    // Act / Assess
    expect(problemsOf(single({ Type: 'Succeed', End: true }))).toEqual([
      'SCHEMA_VALIDATION_FAILED: The field "End" is not supported by Step Functions at /States/S',
    ]);
  });

  it('an unknown state Type, and a state without Type', () => {
    // Act / Assess
    expect(problemsOf(single({ Type: 'Sleep', End: true }))[0]).toMatch(/The field 'Type' must be one of .* at \/States\/S\/Type$/);
    expect(problemsOf(single({ End: true }))).toEqual(['SCHEMA_VALIDATION_FAILED: These fields are required: [Type] at /States/S']);
  });
});

describe('validateDefinition: transitions ("Amazon States Language" > "Transitions")', () => {
  it('refuses a StartAt naming no state', () => {
    // Act / Assess
    expect(problemsOf({ StartAt: 'Nope', States: { S: { Type: 'Succeed' } } })).toContain(
      "MISSING_TRANSITION_TARGET: Missing 'Next' target: Nope at /StartAt",
    );
  });

  it('refuses Next, Default, a Choice rule Next and a Catch Next naming no state', () => {
    // Prepare
    const definition = {
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.a', IsPresent: true, Next: 'Gone1' }], Default: 'Gone2' },
      },
    };
    const viaCatch = single(task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Gone3' }] }));

    // Act / Assess
    expect(problemsOf(definition)).toEqual(expect.arrayContaining([
      "MISSING_TRANSITION_TARGET: Missing 'Next' target: Gone1 at /States/C/Choices/0/Next",
      "MISSING_TRANSITION_TARGET: Missing 'Next' target: Gone2 at /States/C/Default",
    ]));
    expect(problemsOf(viaCatch)).toEqual(["MISSING_TRANSITION_TARGET: Missing 'Next' target: Gone3 at /States/S/Catch/0/Next"]);
  });

  it('refuses a Next out of a Parallel branch into the outer machine', () => {
    // Prepare
    const definition = {
      StartAt: 'P',
      States: {
        P: { Type: 'Parallel', Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', Next: 'Done' } } }], Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    };

    // Act
    const problems = problemsOf(definition);

    // Assess
    expect(problems).toContain("MISSING_TRANSITION_TARGET: Missing 'Next' target: Done at /States/P/Branches/0/States/B/Next");
    expect(problems).not.toContain("MISSING_TRANSITION_TARGET: Missing 'Next' target: Done at /States/P/Next");
  });

  it('refuses an unreachable state (AWS: State "X" is not reachable.)', () => {
    // Prepare
    const unreachable = { StartAt: 'A', States: { A: { Type: 'Pass', End: true }, B: { Type: 'Pass', End: true } } };
    const reachable = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', End: true } } };

    // Act / Assess
    expect(problemsOf(unreachable)).toEqual(['MISSING_TRANSITION_TARGET: State "B" is not reachable. at /States/B']);
    expect(problemsOf(reachable)).toEqual([]);
  });

  it('counts states reached only through Catch or Choice Default as reachable', () => {
    // Prepare
    const definition = {
      StartAt: 'T',
      States: {
        T: task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'C' }] }),
        C: { Type: 'Choice', Choices: [{ Variable: '$.a', IsPresent: true, Next: 'F' }], Default: 'S' },
        F: { Type: 'Fail', Error: 'E' },
        S: { Type: 'Succeed' },
      },
    };

    // Act / Assess
    expect(problemsOf(definition)).toEqual([]);
  });

  it('refuses a machine with no terminal state', () => {
    // Prepare
    const loop = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } } };

    // Act / Assess
    expect(problemsOf(loop)).toEqual(['MISSING_END_STATE: Workflow has no terminal state at /States']);
    expect(problemsOf({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', End: true } } })).toEqual([]);
  });

  it('refuses both or neither of Next and End', () => {
    // Act / Assess
    expect(problemsOf({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B', End: true }, B: { Type: 'Succeed' } } })).toEqual([
      "SCHEMA_VALIDATION_FAILED: A state can not have both 'Next' and 'End' at /States/A",
    ]);
    expect(problemsOf(single({ Type: 'Pass' }))).toContain("SCHEMA_VALIDATION_FAILED: A state must have either 'Next' or 'End: true' at /States/S");
  });

  it('refuses a state name used twice across branches', () => {
    // Prepare
    const branch = { StartAt: 'Same', States: { Same: { Type: 'Succeed' } } };
    const definition = single({ Type: 'Parallel', Branches: [branch, branch], End: true });
    const distinct = single({ Type: 'Parallel', Branches: [branch, { StartAt: 'Other', States: { Other: { Type: 'Succeed' } } }], End: true });

    // Act / Assess
    expect(problemsOf(definition)).toEqual(['DUPLICATE_STATE_NAME: Duplicate State name: Same at /States/S/Branches/1/States/Same']);
    expect(problemsOf(distinct)).toEqual([]);
  });
});

describe('validateDefinition: Retry and Catch ("Error handling in Step Functions")', () => {
  it('refuses States.ALL together with other errors in ErrorEquals', () => {
    // Act / Assess
    expect(problemsOf(single(task({ Retry: [{ ErrorEquals: ['States.ALL', 'X'] }] })))).toEqual([
      "SCHEMA_VALIDATION_FAILED: 'States.ALL' must appear alone in 'ErrorEquals' at /States/S/Retry/0/ErrorEquals",
    ]);
    expect(problemsOf(single(task({ Retry: [{ ErrorEquals: ['States.ALL'] }] })))).toEqual([]);
  });

  it('refuses a retrier or catcher with States.ALL that is not the last one', () => {
    // Prepare
    // A retrier and a catcher for each error, in this order.
    const handling = (...errors: string[]) => ({
      StartAt: 'S',
      States: {
        S: task({ Retry: errors.map((error) => ({ ErrorEquals: [error] })), Catch: errors.map((error) => ({ ErrorEquals: [error], Next: 'F' })) }),
        F: { Type: 'Fail' },
      },
    });
    const definition = handling('States.ALL', 'X');
    const last = handling('X', 'States.ALL');

    // Act / Assess
    expect(problemsOf(definition)).toEqual([
      "SCHEMA_VALIDATION_FAILED: A retrier with 'States.ALL' must be the last one at /States/S/Retry/0",
      "SCHEMA_VALIDATION_FAILED: A catcher with 'States.ALL' must be the last one at /States/S/Catch/0",
    ]);
    expect(problemsOf(last)).toEqual([]);
  });

  it.each([
    ['MaxAttempts', -1, 0],
    ['IntervalSeconds', 0, 1],
    ['IntervalSeconds', 1.5, 2],
    ['BackoffRate', 0.9, 1],
    ['MaxDelaySeconds', 0, 1],
    ['JitterStrategy', 'HALF', 'FULL'],
  ] as const)('refuses %s %j, accepts %j', (field, bad, good) => {
    // Prepare
    const refused = single(task({ Retry: [{ ErrorEquals: ['X'], [field]: bad }] }));
    const accepted = single(task({ Retry: [{ ErrorEquals: ['X'], [field]: good }] }));

    // Act
    const problems = problemsOf(refused);

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`'${field}'.* at /States/S/Retry/0/${field}$`));
    expect(problemsOf(accepted)).toEqual([]);
  });

  it('refuses an empty ErrorEquals and a catcher without Next', () => {
    // Act / Assess
    expect(problemsOf(single(task({ Retry: [{ ErrorEquals: [] }] })))).toEqual([
      "SCHEMA_VALIDATION_FAILED: The field 'ErrorEquals' must be a non-empty array of error names at /States/S/Retry/0/ErrorEquals",
    ]);
    expect(problemsOf(single(task({ Catch: [{ ErrorEquals: ['X'] }] })))).toEqual([
      'SCHEMA_VALIDATION_FAILED: These fields are required: [Next] at /States/S/Catch/0',
    ]);
  });
});

describe('validateDefinition: Task timeouts ("Task workflow state": TimeoutSeconds, HeartbeatSeconds)', () => {
  it('refuses TimeoutSeconds with TimeoutSecondsPath, and HeartbeatSeconds with HeartbeatSecondsPath', () => {
    // Act / Assess
    expect(problemsOf(single(task({ TimeoutSeconds: 10, TimeoutSecondsPath: '$.t' })))).toEqual([
      "SCHEMA_VALIDATION_FAILED: Only one of 'TimeoutSeconds' and 'TimeoutSecondsPath' may be set at /States/S",
    ]);
    expect(problemsOf(single(task({ HeartbeatSeconds: 10, HeartbeatSecondsPath: '$.t' })))).toHaveLength(1);
    expect(problemsOf(single(task({ TimeoutSecondsPath: '$.t', HeartbeatSecondsPath: '$.h' })))).toEqual([]);
  });

  it('refuses HeartbeatSeconds >= TimeoutSeconds, accepts HeartbeatSeconds < TimeoutSeconds', () => {
    // Act / Assess
    expect(problemsOf(single(task({ TimeoutSeconds: 10, HeartbeatSeconds: 10 })))).toEqual([
      "SCHEMA_VALIDATION_FAILED: 'HeartbeatSeconds' must be smaller than 'TimeoutSeconds' at /States/S/HeartbeatSeconds",
    ]);
    expect(problemsOf(single(task({ TimeoutSeconds: 10, HeartbeatSeconds: 9 })))).toEqual([]);
  });

  it('refuses a TimeoutSeconds that is not a positive integer', () => {
    // Act / Assess
    expect(problemsOf(single(task({ TimeoutSeconds: 0 })))).toHaveLength(1);
    expect(problemsOf(single(task({ TimeoutSeconds: '10' })))).toHaveLength(1);
    expect(problemsOf(single(task({ TimeoutSeconds: 1 })))).toEqual([]);
  });
});

describe('validateDefinition: query languages ("Transforming data with JSONata")', () => {
  it('refuses a JSONPath state inside a JSONata machine with AWS\'s wording (INVALID_DOWNGRADE_QUERY_LANGUAGE)', () => {
    // Prepare
    const downgrade = { QueryLanguage: 'JSONata', StartAt: 'Pass', States: { Pass: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } } };
    const upgrade = { StartAt: 'Pass', States: { Pass: { Type: 'Pass', QueryLanguage: 'JSONata', End: true } } };

    // Act / Assess
    expect(problemsOf(downgrade)).toEqual([
      "SCHEMA_VALIDATION_FAILED: 'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine at /States/Pass",
    ]);
    expect(problemsOf(upgrade)).toEqual([]);
  });

  it.each(['InputPath', 'OutputPath', 'ResultPath', 'Parameters', 'ResultSelector', 'TimeoutSecondsPath', 'HeartbeatSecondsPath'])(
    'refuses the JSONPath-only field %s in a JSONata state',
    (field) => {
      // Prepare
      const value = field === 'Parameters' || field === 'ResultSelector' ? {} : '$.x';
      const definition = single(task({ [field]: value }), { QueryLanguage: 'JSONata' });

      // Act
      const problems = problemsOf(definition);

      // Assess
      expect(problems).toEqual([
        `SCHEMA_VALIDATION_FAILED: The field "${field}" is not supported by Step Functions when the QueryLanguage is JSONata: it is JSONPath-only at /States/S`,
      ]);
      expect(problemsOf(single(task({ [field]: value })))).toEqual([]); // negative control: fine in JSONPath
    },
  );

  it('refuses the JSONata-only fields Arguments and Output in a JSONPath state, and Condition in a JSONPath rule', () => {
    // Prepare
    const definition = {
      StartAt: 'T',
      States: {
        T: task({ Arguments: {}, Output: {}, End: undefined, Next: 'C' }),
        C: { Type: 'Choice', Choices: [{ Condition: '{% true %}', Next: 'D' }], Default: 'D' },
        D: { Type: 'Succeed' },
      },
    };

    // Act
    const problems = problemsOf(definition);

    // Assess
    expect(problems).toEqual(expect.arrayContaining([
      'SCHEMA_VALIDATION_FAILED: The field "Arguments" is not supported by Step Functions when the QueryLanguage is JSONPath: it is JSONata-only at /States/T',
      'SCHEMA_VALIDATION_FAILED: The field "Output" is not supported by Step Functions when the QueryLanguage is JSONPath: it is JSONata-only at /States/T',
      'SCHEMA_VALIDATION_FAILED: The field "Condition" is not supported by Step Functions when the QueryLanguage is JSONPath: it is JSONata-only at /States/C/Choices/0',
    ]));
    expect(problemsOf({ ...definition, QueryLanguage: 'JSONata' })).toEqual([]); // negative control
  });

  it('accepts a full JSONata machine (Arguments, Output, Assign, Condition, Items, expression fields)', () => {
    // Prepare
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'T',
      States: {
        T: task({
          Arguments: { FunctionName: 'f', Payload: '{% $states.input %}' },
          Output: '{% $states.result.Payload %}',
          Assign: { n: '{% $states.input.n %}' },
          TimeoutSeconds: '{% $n * 10 %}',
          End: undefined,
          Next: 'C',
        }),
        C: { Type: 'Choice', Choices: [{ Condition: '{% $n > 1 %}', Next: 'M', Assign: { m: 1 } }], Default: 'W' },
        W: { Type: 'Wait', Seconds: '{% $n %}', Next: 'M' },
        M: { Type: 'Map', Items: '{% [1, 2] %}', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } }, Next: 'F' },
        F: { Type: 'Fail', Error: 'E', Cause: '{% "n is " & $string($n) %}' },
      },
    };

    // Act / Assess
    expect(problemsOf(definition)).toEqual([]);
  });

  it('refuses a {% %} expression that JSONata cannot parse, wherever it is', () => {
    // Prepare
    const bad = single(task({ Arguments: { a: [{ b: '{% $states.input + %}' }] } }), { QueryLanguage: 'JSONata' });
    const good = single(task({ Arguments: { a: [{ b: '{% $states.input + 1 %}' }] } }), { QueryLanguage: 'JSONata' });

    // Act
    const problems = problemsOf(bad);

    // Assess
    expect(problems).toEqual([
      "SCHEMA_VALIDATION_FAILED: The JSONata expression '$states.input +' is not valid: Unexpected end of expression at /States/S/Arguments/a/0/b",
    ]);
    expect(problemsOf(good)).toEqual([]);
  });

  it('refuses an unterminated {% and an empty expression', () => {
    // Act / Assess
    expect(problemsOf(single(task({ Output: '{% $states.input' }), { QueryLanguage: 'JSONata' }))).toEqual([
      'SCHEMA_VALIDATION_FAILED: A JSONata expression must be enclosed in {% and %} at /States/S/Output',
    ]);
    expect(problemsOf(single(task({ Output: '{% %}' }), { QueryLanguage: 'JSONata' }))).toHaveLength(1);
  });

  it('refuses a JSONata Condition that is not an expression', () => {
    // Prepare
    const definition = (condition: unknown) => choiceMachine([{ Condition: condition, Next: 'D' }], {}, { QueryLanguage: 'JSONata' });

    // Act / Assess
    expect(problemsOf(definition('$n > 1'))).toEqual([
      "SCHEMA_VALIDATION_FAILED: The field 'Condition' must be a JSONata expression {% ... %} at /States/C/Choices/0/Condition",
    ]);
    expect(problemsOf(definition('{% $n > 1 %}'))).toEqual([]);
  });
});

describe('validateDefinition: Map ("Map workflow state"; the local engine runs inline Map only)', () => {
  const processor = { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } };

  it('refuses a Distributed Map with a clear message', () => {
    // Prepare
    const distributed = single({ Type: 'Map', ItemProcessor: { ...processor, ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } }, End: true });
    const inline = single({ Type: 'Map', ItemProcessor: { ...processor, ProcessorConfig: { Mode: 'INLINE' } }, End: true });

    // Act
    const problems = problemsOf(distributed);

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^UNSUPPORTED_FEATURE: Distributed Map is not supported: the local engine runs inline Map only.* at \/States\/S\/ItemProcessor\/ProcessorConfig\/Mode$/);
    expect(problemsOf(inline)).toEqual([]);
  });

  it.each(['ItemReader', 'ResultWriter', 'ItemBatcher'])('refuses %s (Distributed Map only)', (field) => {
    // Act
    const problems = problemsOf(single({ Type: 'Map', ItemProcessor: processor, [field]: {}, End: true }));

    // Assess
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^UNSUPPORTED_FEATURE: '${field}' belongs to a Distributed Map: the local engine runs inline Map only.* at /States/S/${field}$`))]);
  });

  it('accepts the legacy Iterator and Parameters, refuses both ItemProcessor and Iterator, or neither', () => {
    // Act / Assess
    expect(problemsOf(single({ Type: 'Map', Iterator: processor, Parameters: { 'v.$': '$$.Map.Item.Value' }, End: true }))).toEqual([]);
    expect(problemsOf(single({ Type: 'Map', Iterator: processor, ItemProcessor: { StartAt: 'J', States: { J: { Type: 'Succeed' } } }, End: true }))).toContain(
      "SCHEMA_VALIDATION_FAILED: A Map state must have exactly one of 'ItemProcessor' or 'Iterator' at /States/S",
    );
    expect(problemsOf(single({ Type: 'Map', End: true }))).toContain(
      "SCHEMA_VALIDATION_FAILED: A Map state must have exactly one of 'ItemProcessor' or 'Iterator' at /States/S",
    );
  });

  it('checks the item processor as a machine of its own (reachability inside it)', () => {
    // Prepare
    const inner = { StartAt: 'I', States: { I: { Type: 'Pass', End: true }, Lost: { Type: 'Pass', End: true } } };

    // Act / Assess
    expect(problemsOf(single({ Type: 'Map', ItemProcessor: inner, End: true }))).toEqual([
      'MISSING_TRANSITION_TARGET: State "Lost" is not reachable. at /States/S/ItemProcessor/States/Lost',
    ]);
  });

  it('refuses MaxConcurrency with MaxConcurrencyPath and a ToleratedFailurePercentage above 100', () => {
    // Act / Assess
    expect(problemsOf(single({ Type: 'Map', ItemProcessor: processor, MaxConcurrency: 1, MaxConcurrencyPath: '$.m', End: true }))).toEqual([
      "SCHEMA_VALIDATION_FAILED: Only one of 'MaxConcurrency' and 'MaxConcurrencyPath' may be set at /States/S",
    ]);
    expect(problemsOf(single({ Type: 'Map', ItemProcessor: processor, ToleratedFailurePercentage: 101, End: true }))).toHaveLength(1);
    expect(problemsOf(single({ Type: 'Map', ItemProcessor: processor, ToleratedFailurePercentage: 100, MaxConcurrency: 0, End: true }))).toEqual([]);
  });
});

describe('validateDefinition: Choice, Wait, Fail, Parallel structure', () => {
  it('a top-level JSONPath Choice rule needs Next; a nested one must not have it', () => {
    // Prepare
    const definition = choiceMachine([{ Variable: '$.a', IsPresent: true }, { Not: { Variable: '$.a', IsNull: true, Next: 'D' }, Next: 'D' }], { Default: 'D' });

    // Act / Assess
    expect(problemsOf(definition)).toEqual([
      'SCHEMA_VALIDATION_FAILED: These fields are required: [Next] at /States/C/Choices/0',
      'SCHEMA_VALIDATION_FAILED: The field "Next" is not supported by Step Functions at /States/C/Choices/1/Not',
    ]);
  });

  it('refuses an operand of the wrong type and a rule with two operators', () => {
    // Prepare
    const definition = choiceMachine([
      { Variable: '$.a', NumericEquals: '1', Next: 'D' },
      { Variable: '$.a', TimestampEquals: '2026-01-01 00:00:00', Next: 'D' },
      { Variable: '$.a', StringEquals: 'x', IsPresent: true, Next: 'D' },
      { Variable: '$.a', StringEqualsPath: 'a', Next: 'D' },
    ]);

    // Act / Assess
    expect(problemsOf(definition)).toEqual([
      "SCHEMA_VALIDATION_FAILED: The field 'NumericEquals' must be a number at /States/C/Choices/0/NumericEquals",
      "SCHEMA_VALIDATION_FAILED: The field 'TimestampEquals' must be an RFC3339 timestamp such as 2026-01-01T00:00:00Z at /States/C/Choices/1/TimestampEquals",
      'SCHEMA_VALIDATION_FAILED: A choice rule must have exactly one comparison operator, or one of And, Or, Not at /States/C/Choices/2',
      "SCHEMA_VALIDATION_FAILED: The value for the field 'StringEqualsPath' must be a valid JSONPath at /States/C/Choices/3/StringEqualsPath",
    ]);
  });

  it('a Wait has exactly one of Seconds, Timestamp, SecondsPath, TimestampPath; Timestamp is RFC3339', () => {
    // Act / Assess
    expect(problemsOf(single({ Type: 'Wait', Seconds: 1, SecondsPath: '$.s', End: true }))).toHaveLength(1);
    expect(problemsOf(single({ Type: 'Wait', End: true }))).toHaveLength(1);
    expect(problemsOf(single({ Type: 'Wait', Timestamp: '2026-01-01t00:00:00z', End: true }))).toEqual([
      "SCHEMA_VALIDATION_FAILED: The field 'Timestamp' must be an RFC3339 timestamp such as 2026-01-01T00:00:00Z at /States/S/Timestamp",
    ]);
    expect(problemsOf(single({ Type: 'Wait', Timestamp: '2026-01-01T00:00:00Z', End: true }))).toEqual([]);
    expect(problemsOf(single({ Type: 'Wait', Seconds: 0, End: true }))).toEqual([]);
    // A {% %} string is an expression only in a JSONata state.
    expect(problemsOf(single({ Type: 'Wait', Timestamp: '{% $t %}', End: true }))).toHaveLength(1);
    expect(problemsOf(single({ Type: 'Wait', Timestamp: '{% $t %}', End: true }, { QueryLanguage: 'JSONata' }))).toEqual([]);
  });

  it('a Fail has at most one of Error/ErrorPath and Cause/CausePath', () => {
    // Act / Assess
    expect(problemsOf(single({ Type: 'Fail', Error: 'E', ErrorPath: '$.e' }))).toEqual([
      "SCHEMA_VALIDATION_FAILED: Only one of 'Error' and 'ErrorPath' may be set at /States/S",
    ]);
    expect(problemsOf(single({ Type: 'Fail', ErrorPath: '$.e', CausePath: 'States.JsonToString($.c)' }))).toEqual([]);
  });

  it('a Parallel needs a non-empty Branches', () => {
    // Act / Assess
    expect(problemsOf(single({ Type: 'Parallel', Branches: [], End: true }))).toEqual([
      "SCHEMA_VALIDATION_FAILED: The field 'Branches' must be a non-empty array at /States/S/Branches",
    ]);
  });
});

describe('validateDefinition: JSONPath paths and intrinsic functions ("Using JSONPath paths", "Intrinsic functions")', () => {
  it('refuses bad paths in InputPath, OutputPath and ResultPath, and bad payload template values', () => {
    // Prepare
    const definition = single({
      Type: 'Pass',
      InputPath: 'a.b',
      OutputPath: '$.a[',
      ResultPath: '$.a[*]',
      Parameters: { 'x.$': 'States.Nope(1)', nested: { 'y.$': "States.Format('{}', $.a" } },
      End: true,
    });

    // Act / Assess
    expect(problemsOf(definition)).toEqual([
      "SCHEMA_VALIDATION_FAILED: The value for the field 'InputPath' must be a valid JSONPath at /States/S/InputPath",
      "SCHEMA_VALIDATION_FAILED: The value for the field 'OutputPath' must be a valid JSONPath at /States/S/OutputPath",
      "SCHEMA_VALIDATION_FAILED: The value for the field 'ResultPath' must be a valid JSONPath reference path at /States/S/ResultPath",
      "SCHEMA_VALIDATION_FAILED: The value for the field 'x.$' must be a valid JSONPath or a valid intrinsic function call at /States/S/Parameters/x.$",
      "SCHEMA_VALIDATION_FAILED: The value for the field 'y.$' must be a valid JSONPath or a valid intrinsic function call at /States/S/Parameters/nested/y.$",
    ]);
  });

  it('accepts good paths, null InputPath/OutputPath/ResultPath, context and variable paths, and intrinsics', () => {
    // Prepare
    const definition = single({
      Type: 'Pass',
      InputPath: null,
      OutputPath: "$.items[?(@.price > 10)]",
      ResultPath: null,
      Parameters: {
        'a.$': '$$.Execution.Id',
        'b.$': '$limit',
        'c.$': "States.Format('{} and \\'{}\\'', $.a, States.ArrayGetItem($.b, 0))",
        'd.$': 'States.UUID()',
        list: [{ 'e.$': '$..name' }],
      },
      Assign: { 'total.$': '$.n', literal: 1 },
      End: true,
    });

    // Act / Assess
    expect(problemsOf(definition)).toEqual([]);
  });

  it('refuses a bad Assign variable name', () => {
    // Act / Assess
    expect(problemsOf(single({ Type: 'Pass', Assign: { '1x': 1 }, End: true }))).toEqual([
      "SCHEMA_VALIDATION_FAILED: '1x' is not a valid variable name at /States/S/Assign/1x",
    ]);
  });

  it.each([
    ['$', true], ['$.a.b', true], ['$.a[0].b', true], ["$['a b']", true], ['$..x', true], ['$.a[*]', true],
    ['$.a[1:3]', true], ['$.a[?(@.x == 1)]', true], ['$$.Map.Item.Value', true], ['$var.x', true],
    ['a', false], ['$.', false], ['$.a[', false], ['$.a..', false], ['$ .a', false], ['', false],
  ])('isPath(%j) is %s', (path, expected) => {
    // Act / Assess
    expect(isPath(path)).toBe(expected);
  });

  it.each([
    ['$.a', true], ['$.a[0]', true], ["$['a']", true], ['$', true],
    ['$.a[*]', false], ['$..a', false], ['$$.Execution', false], ['$var', false], ['$.a[?(@.x)]', false],
  ])('isPath(%j, reference) is %s', (path, expected) => {
    // Act / Assess
    expect(isPath(path, true)).toBe(expected);
  });

  it.each([
    ["States.Format('{}', $.a)", true], ['States.MathAdd($.a, -1)', true], ['States.Array(1, true, null, $.x)', true],
    ["States.StringSplit($.s, ',')", true], ["States.Format('it\\'s {}', $.a)", true],
    ['States.Nope()', false], ['States.Format(', false], ["States.Format('x)", false], ['States.MathAdd($.a,)', false],
    ['Format($.a)', false], ['States.MathAdd(a, 1)', false],
  ])('isIntrinsic(%j) is %s', (text, expected) => {
    // Act / Assess
    expect(isIntrinsic(text)).toBe(expected);
  });
});
