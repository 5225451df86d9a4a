/**
 * Definition validation at load: refuses what AWS's CreateStateMachine refuses
 * (`InvalidDefinition`), listing every problem with where it is (`/States/Pay/Retry/0`).
 *
 * Libraries, and why:
 * - `asl-validator` 4.0.0 checks a definition against the community JSON schema of the Amazon
 *   States Language (JSONPath and JSONata fields) and its paths through `asl-path-validator`. It
 *   is a backstop here, not the main check: its ajv output keeps only the deepest errors and words
 *   them as schema paths ("must match exactly one schema in oneOf"), and it misses much of what AWS
 *   refuses (unknown fields in retriers and catchers, unreachable states, `States.ALL` placement,
 *   BackoffRate < 1, JitterStrategy, HeartbeatSeconds >= TimeoutSeconds, JSONPath fields under a
 *   JSONata top level...). So the checks below walk the whole definition themselves and word each
 *   problem the way AWS does where AWS's wording is recorded (localstack's snapshots recorded
 *   against AWS, `tests/aws/services/stepfunctions/v2/test_sfn_api_validation.snapshot.json`:
 *   "These fields are required: [States, StartAt]", "'QueryLanguage' can not be 'JSONPath' if set
 *   to 'JSONata' for whole state machine", "Definition must be a valid JSON object"); asl-validator
 *   runs afterwards and its findings are reported only when these checks found nothing.
 * - `jsonata` parses every `{% %}` expression, so a JSONata syntax error is refused at load as AWS
 *   refuses it, not at the first execution that reaches the state.
 * - JSONPath paths and intrinsic functions get a structural check of their own (below): enough to
 *   refuse `$.a[`, `a.b`, `States.Nope(...)` or an unbalanced argument list.
 */
import jsonata from 'jsonata';
import { InvalidDefinitionError } from '../errors.js';
import { COMPARISON_OPERATORS, parseTimestamp } from '../states/choice-rules.js';
import { schemaProblems } from './schema.js';
import type { StateMachineDefinition } from './types.js';

type Json = Record<string, unknown>;
type Language = 'JSONPath' | 'JSONata';


const STATE_TYPES = ['Task', 'Pass', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'] as const;
type StateTypeName = (typeof STATE_TYPES)[number];

/** Largest value AWS accepts for second counts and MaxAttempts. */
const MAX_SECONDS = 99_999_999;

/**
 * Fields each state type accepts in each query language (AWS Step Functions Developer Guide,
 * "Workflow states" and each state's page; "Transforming data with JSONata" for what JSONata
 * removes and adds).
 */
const COMMON: Record<Language, readonly string[]> = {
  JSONPath: ['Type', 'Comment', 'QueryLanguage'],
  JSONata: ['Type', 'Comment', 'QueryLanguage'],
};
const FIELDS: Record<StateTypeName, Record<Language, readonly string[]>> = {
  Task: {
    JSONPath: ['Next', 'End', 'InputPath', 'OutputPath', 'Assign', 'Resource', 'Parameters', 'ResultSelector', 'ResultPath',
      'Retry', 'Catch', 'TimeoutSeconds', 'TimeoutSecondsPath', 'HeartbeatSeconds', 'HeartbeatSecondsPath', 'Credentials'],
    JSONata: ['Next', 'End', 'Output', 'Assign', 'Resource', 'Arguments', 'Retry', 'Catch', 'TimeoutSeconds',
      'HeartbeatSeconds', 'Credentials'],
  },
  Pass: {
    JSONPath: ['Next', 'End', 'InputPath', 'OutputPath', 'Assign', 'Result', 'ResultPath', 'Parameters'],
    JSONata: ['Next', 'End', 'Output', 'Assign', 'Result'],
  },
  Choice: {
    JSONPath: ['InputPath', 'OutputPath', 'Assign', 'Choices', 'Default'],
    JSONata: ['Output', 'Assign', 'Choices', 'Default'],
  },
  Wait: {
    JSONPath: ['Next', 'End', 'InputPath', 'OutputPath', 'Assign', 'Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'],
    JSONata: ['Next', 'End', 'Output', 'Assign', 'Seconds', 'Timestamp'],
  },
  Succeed: { JSONPath: ['InputPath', 'OutputPath'], JSONata: ['Output'] },
  Fail: { JSONPath: ['Error', 'Cause', 'ErrorPath', 'CausePath'], JSONata: ['Error', 'Cause'] },
  Parallel: {
    JSONPath: ['Next', 'End', 'InputPath', 'OutputPath', 'Assign', 'Branches', 'Parameters', 'ResultSelector', 'ResultPath',
      'Retry', 'Catch'],
    JSONata: ['Next', 'End', 'Output', 'Assign', 'Branches', 'Arguments', 'Retry', 'Catch'],
  },
  Map: {
    JSONPath: ['Next', 'End', 'InputPath', 'OutputPath', 'Assign', 'ItemsPath', 'ItemSelector', 'Parameters', 'ItemProcessor',
      'Iterator', 'MaxConcurrency', 'MaxConcurrencyPath', 'ToleratedFailureCount', 'ToleratedFailureCountPath',
      'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath', 'ItemReader', 'ResultWriter', 'ItemBatcher', 'Label',
      'ResultSelector', 'ResultPath', 'Retry', 'Catch'],
    JSONata: ['Next', 'End', 'Output', 'Assign', 'Items', 'ItemSelector', 'ItemProcessor', 'Iterator', 'MaxConcurrency',
      'ToleratedFailureCount', 'ToleratedFailurePercentage', 'ItemReader', 'ResultWriter', 'ItemBatcher', 'Label', 'Retry',
      'Catch'],
  },
};
const TOP_FIELDS = ['Comment', 'StartAt', 'States', 'Version', 'TimeoutSeconds', 'QueryLanguage'];
const BRANCH_FIELDS = ['Comment', 'StartAt', 'States'];
const RETRIER_FIELDS = ['ErrorEquals', 'Comment', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'JitterStrategy'];
const CATCHER_FIELDS: Record<Language, readonly string[]> = {
  JSONPath: ['ErrorEquals', 'Next', 'Comment', 'ResultPath', 'Assign'],
  JSONata: ['ErrorEquals', 'Next', 'Comment', 'Output', 'Assign'],
};
const INTRINSICS = new Set([
  'Format', 'StringToJson', 'JsonToString', 'Array', 'ArrayPartition', 'ArrayContains', 'ArrayRange', 'ArrayGetItem',
  'ArrayLength', 'ArrayUnique', 'Base64Encode', 'Base64Decode', 'Hash', 'JsonMerge', 'MathRandom', 'MathAdd', 'StringSplit',
  'UUID',
]);
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,79}$/;
const LOCAL_MAP_ONLY =
  'the local engine runs inline Map only (ItemProcessor.ProcessorConfig.Mode INLINE); a Distributed Map needs AWS';

/**
 * Validates an ASL definition (an object or its JSON text) as CreateStateMachine would, and
 * returns it typed. Throws {@link InvalidDefinitionError} listing every problem found.
 */
export function validateDefinition(definition: unknown): StateMachineDefinition {
  const problems = new Problems();
  let parsed: unknown = definition;
  if (typeof definition === 'string') {
    if (definition.trim() === '') throw new InvalidDefinitionError(['SCHEMA_VALIDATION_FAILED: Definition must be a valid JSON object']);
    try {
      parsed = JSON.parse(definition);
    } catch (error) {
      throw new InvalidDefinitionError([`INVALID_JSON_DESCRIPTION: ${(error as Error).message}`]);
    }
  }
  if (!isObject(parsed)) throw new InvalidDefinitionError(['SCHEMA_VALIDATION_FAILED: Definition must be a valid JSON object']);

  // Validate (and return) the definition as JSON: what CreateStateMachine would receive, so a
  // field set to `undefined` in an object literal counts as absent.
  const top = JSON.parse(JSON.stringify(parsed)) as Json;
  let topLanguage: Language = 'JSONPath';
  if (top.QueryLanguage !== undefined) {
    if (top.QueryLanguage === 'JSONPath' || top.QueryLanguage === 'JSONata') topLanguage = top.QueryLanguage;
    else problems.schema(`The value of 'QueryLanguage' must be 'JSONPath' or 'JSONata'`, '/QueryLanguage');
  }
  problems.unknownFields(top, TOP_FIELDS, '', []);
  if (top.Comment !== undefined && typeof top.Comment !== 'string') problems.schema('The field \'Comment\' must be a string', '/Comment');
  if (top.Version !== undefined && typeof top.Version !== 'string') problems.schema('The field \'Version\' must be a string', '/Version');
  if (top.TimeoutSeconds !== undefined) checkInteger(problems, top.TimeoutSeconds, 'TimeoutSeconds', '/TimeoutSeconds', 1, MAX_SECONDS, 'JSONPath');

  const walker = new Walker(problems, topLanguage);
  walker.scope(top, '');
  walker.duplicateNames();

  if (problems.list.length === 0) {
    // Backstop: what the JSON schema of asl-validator still finds (e.g. a malformed Resource ARN).
    // Only its schema errors: its graph checks take every `$..States` for a states object, so a
    // payload key named "States" yields false "not reachable" errors (or a throw, ignored here);
    // the walker above does those checks itself. It mutates its input, so it gets a copy.
    // (schemaProblems compiles asl-validator's schema once instead of on every call.)
    problems.list.push(...schemaProblems(top));
  }
  if (problems.list.length > 0) throw new InvalidDefinitionError(problems.list);
  return top as unknown as StateMachineDefinition;
}

/** The problems found so far, worded `CODE: message at /location` like AWS's diagnostics. */
class Problems {
  readonly list: string[] = [];

  add(code: string, message: string, location: string): void {
    this.list.push(`${code}: ${message} at ${location === '' ? '/' : location}`);
  }

  schema(message: string, location: string): void {
    this.add('SCHEMA_VALIDATION_FAILED', message, location);
  }

  /** Fields not in `allowed`; `otherLanguage` names those that belong to the other query language. */
  unknownFields(object: Json, allowed: readonly string[], location: string, otherLanguage: readonly string[], language?: Language): void {
    for (const field of Object.keys(object)) {
      if (allowed.includes(field)) continue;
      if (language !== undefined && otherLanguage.includes(field)) {
        const other = language === 'JSONata' ? 'JSONPath' : 'JSONata';
        this.schema(`The field "${field}" is not supported by Step Functions when the QueryLanguage is ${language}: it is ${other}-only`, location);
      } else {
        this.schema(`The field "${field}" is not supported by Step Functions`, location);
      }
    }
  }

  required(object: Json, fields: readonly string[], location: string): void {
    const missing = fields.filter((field) => object[field] === undefined);
    if (missing.length > 0) this.schema(`These fields are required: [${missing.join(', ')}]`, location);
  }
}

/** Walks the states of a definition, its branches and item processors. */
class Walker {
  private readonly names = new Map<string, string[]>();

  constructor(
    private readonly problems: Problems,
    private readonly topLanguage: Language,
  ) {}

  /** A `StartAt` + `States` machine: the top, a Parallel branch or a Map item processor. */
  scope(machine: Json, location: string): void {
    const { problems } = this;
    problems.required(machine, ['States', 'StartAt'], location);
    const states = machine.States;
    if (states !== undefined && !isObject(states)) {
      problems.schema("The field 'States' must be an object", `${location}/States`);
      return;
    }
    if (states === undefined) return;
    if (Object.keys(states).length === 0) {
      problems.schema("The field 'States' should be non-empty", `${location}/States`);
      return;
    }
    const startAt = machine.StartAt;
    if (startAt !== undefined && typeof startAt !== 'string') problems.schema("The field 'StartAt' must be a string", `${location}/StartAt`);

    const edges = new Map<string, string[]>();
    for (const [name, state] of Object.entries(states)) {
      const stateLocation = `${location}/States/${name}`;
      this.names.set(name, [...(this.names.get(name) ?? []), stateLocation]);
      edges.set(name, this.state(name, state, stateLocation));
    }

    // Transitions must name a state of this same scope ("MISSING_TRANSITION_TARGET").
    if (typeof startAt === 'string' && !(startAt in states)) {
      problems.add('MISSING_TRANSITION_TARGET', `Missing 'Next' target: ${startAt}`, `${location}/StartAt`);
    }
    const targets = new Map<string, string[]>();
    for (const [name, outgoing] of edges) {
      const valid: string[] = [];
      for (const edge of outgoing) {
        const [target, where] = edge.split('\u0000') as [string, string];
        if (target in states) valid.push(target);
        else problems.add('MISSING_TRANSITION_TARGET', `Missing 'Next' target: ${target}`, where);
      }
      targets.set(name, valid);
    }

    // Every state reachable from StartAt.
    if (typeof startAt === 'string' && startAt in states) {
      const reached = new Set<string>([startAt]);
      const queue = [startAt];
      for (let current = queue.shift(); current !== undefined; current = queue.shift()) {
        for (const next of targets.get(current) ?? []) {
          if (!reached.has(next)) {
            reached.add(next);
            queue.push(next);
          }
        }
      }
      for (const name of Object.keys(states)) {
        if (!reached.has(name)) problems.add('MISSING_TRANSITION_TARGET', `State "${name}" is not reachable.`, `${location}/States/${name}`);
      }
    }

    // At least one terminal state (End: true, Succeed or Fail). Not recorded in localstack; the
    // code and text are those other emulators of ValidateStateMachineDefinition report.
    const terminal = Object.values(states).some(
      (state) => isObject(state) && (state.End === true || state.Type === 'Succeed' || state.Type === 'Fail'),
    );
    if (!terminal) problems.add('MISSING_END_STATE', 'Workflow has no terminal state', `${location}/States`);
  }

  /** State names must be unique across the whole machine, branches and item processors included. */
  duplicateNames(): void {
    for (const [name, locations] of this.names) {
      if (locations.length > 1) {
        for (const location of locations.slice(1)) this.problems.add('DUPLICATE_STATE_NAME', `Duplicate State name: ${name}`, location);
      }
    }
  }

  /** Checks one state; returns its transitions as `target\0location`. */
  private state(name: string, state: unknown, location: string): string[] {
    const { problems } = this;
    const edges: string[] = [];
    if (name.length === 0 || name.length > 80) problems.schema('State names must be 1 to 80 characters long', location);
    if (!isObject(state)) {
      problems.schema('A state must be an object', location);
      return edges;
    }
    if (state.Type === undefined) {
      problems.required(state, ['Type'], location);
      return edges;
    }
    if (!STATE_TYPES.includes(state.Type as StateTypeName)) {
      problems.schema(`The field 'Type' must be one of ${STATE_TYPES.join(', ')}`, `${location}/Type`);
      return edges;
    }
    const type = state.Type as StateTypeName;

    let language = this.topLanguage;
    if (state.QueryLanguage !== undefined) {
      if (state.QueryLanguage !== 'JSONPath' && state.QueryLanguage !== 'JSONata') {
        problems.schema(`The value of 'QueryLanguage' must be 'JSONPath' or 'JSONata'`, `${location}/QueryLanguage`);
      } else {
        language = state.QueryLanguage;
        if (this.topLanguage === 'JSONata' && language === 'JSONPath') {
          // Recorded against AWS (test_sfn_api_validation INVALID_DOWNGRADE_QUERY_LANGUAGE).
          problems.schema("'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine", location);
        }
      }
    }
    const other: Language = language === 'JSONata' ? 'JSONPath' : 'JSONata';
    const allowed = [...COMMON[language], ...FIELDS[type][language]];
    problems.unknownFields(state, allowed, location, [...COMMON[other], ...FIELDS[type][other]], language);
    if (state.Comment !== undefined && typeof state.Comment !== 'string') problems.schema("The field 'Comment' must be a string", `${location}/Comment`);

    // Next / End: every state but Choice, Succeed and Fail has exactly one.
    if (type !== 'Choice' && type !== 'Succeed' && type !== 'Fail') {
      const hasNext = state.Next !== undefined;
      const hasEnd = state.End !== undefined;
      if (hasNext && hasEnd) problems.schema("A state can not have both 'Next' and 'End'", location);
      if (!hasNext && !hasEnd) problems.schema("A state must have either 'Next' or 'End: true'", location);
      if (hasEnd && state.End !== true) problems.schema("The field 'End' must be true", `${location}/End`);
      if (hasNext) {
        if (typeof state.Next === 'string') edges.push(`${state.Next}\u0000${location}/Next`);
        else problems.schema("The field 'Next' must be a string", `${location}/Next`);
      }
    }

    const fields = new FieldChecks(problems, language, location);
    fields.paths(state, ['InputPath', 'OutputPath'], { nullable: true });
    fields.resultPath(state, 'ResultPath');
    fields.templates(state, ['Parameters', 'ResultSelector', 'Credentials']);
    fields.assign(state.Assign, `${location}/Assign`);
    fields.jsonata(state.Output, `${location}/Output`);
    fields.jsonata(state.Arguments, `${location}/Arguments`);

    switch (type) {
      case 'Task':
        this.task(state, fields, location);
        break;
      case 'Pass':
        break;
      case 'Choice':
        this.choice(state, language, location, edges);
        break;
      case 'Wait':
        this.wait(state, fields, location);
        break;
      case 'Fail':
        for (const [value, path] of [['Error', 'ErrorPath'], ['Cause', 'CausePath']] as const) {
          if (state[value] !== undefined && state[path] !== undefined) problems.schema(`Only one of '${value}' and '${path}' may be set`, location);
          if (state[value] !== undefined && typeof state[value] !== 'string') problems.schema(`The field '${value}' must be a string`, `${location}/${value}`);
          fields.jsonata(state[value], `${location}/${value}`);
          fields.pathOrIntrinsic(state[path], `${location}/${path}`, path);
        }
        break;
      case 'Parallel':
        if (!Array.isArray(state.Branches) || state.Branches.length === 0) {
          if (state.Branches === undefined) problems.required(state, ['Branches'], location);
          else problems.schema("The field 'Branches' must be a non-empty array", `${location}/Branches`);
        } else {
          state.Branches.forEach((branch: unknown, index) => this.branch(branch, `${location}/Branches/${index}`, BRANCH_FIELDS));
        }
        break;
      case 'Map':
        this.map(state, fields, language, location);
        break;
      case 'Succeed':
        break;
    }

    if (type === 'Task' || type === 'Parallel' || type === 'Map') {
      this.retry(state.Retry, `${location}/Retry`);
      this.catch(state.Catch, language, `${location}/Catch`, fields, edges);
    }
    return edges;
  }

  private branch(branch: unknown, location: string, allowed: readonly string[]): void {
    if (!isObject(branch)) {
      this.problems.schema('A branch must be an object with StartAt and States', location);
      return;
    }
    this.problems.unknownFields(branch, allowed, location, []);
    this.scope(branch, location);
  }

  private task(state: Json, fields: FieldChecks, location: string): void {
    const { problems } = this;
    problems.required(state, ['Resource'], location);
    if (state.Resource !== undefined && (typeof state.Resource !== 'string' || !/^arn:[^:]+:[^:]+:/.test(state.Resource))) {
      // AWS's wording for a Resource it does not recognise.
      problems.schema(
        `The resource provided ${JSON.stringify(state.Resource).replace(/^"|"$/g, '')} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.`,
        `${location}/Resource`,
      );
    }
    for (const [seconds, path] of [['TimeoutSeconds', 'TimeoutSecondsPath'], ['HeartbeatSeconds', 'HeartbeatSecondsPath']] as const) {
      if (state[seconds] !== undefined && state[path] !== undefined) problems.schema(`Only one of '${seconds}' and '${path}' may be set`, location);
      if (state[seconds] !== undefined) fields.integer(state[seconds], seconds, `${location}/${seconds}`, 1, MAX_SECONDS);
      fields.paths(state, [path]);
    }
    if (typeof state.HeartbeatSeconds === 'number' && typeof state.TimeoutSeconds === 'number' && state.HeartbeatSeconds >= state.TimeoutSeconds) {
      problems.schema("'HeartbeatSeconds' must be smaller than 'TimeoutSeconds'", `${location}/HeartbeatSeconds`);
    }
  }

  private wait(state: Json, fields: FieldChecks, location: string): void {
    const { problems } = this;
    const set = ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'].filter((field) => state[field] !== undefined);
    if (set.length !== 1) problems.schema("A Wait state must have exactly one of 'Seconds', 'Timestamp', 'SecondsPath' or 'TimestampPath'", location);
    if (state.Seconds !== undefined) fields.integer(state.Seconds, 'Seconds', `${location}/Seconds`, 0, MAX_SECONDS);
    if (state.Timestamp !== undefined && !fields.isExpressionHere(state.Timestamp)) {
      if (typeof state.Timestamp !== 'string' || parseTimestamp(state.Timestamp) === undefined) {
        problems.schema("The field 'Timestamp' must be an RFC3339 timestamp such as 2026-01-01T00:00:00Z", `${location}/Timestamp`);
      }
    }
    fields.jsonata(state.Timestamp, `${location}/Timestamp`);
    fields.paths(state, ['SecondsPath', 'TimestampPath']);
  }

  private choice(state: Json, language: Language, location: string, edges: string[]): void {
    const { problems } = this;
    if (!Array.isArray(state.Choices) || state.Choices.length === 0) {
      if (state.Choices === undefined) problems.required(state, ['Choices'], location);
      else problems.schema("The field 'Choices' must be a non-empty array", `${location}/Choices`);
    } else {
      state.Choices.forEach((rule: unknown, index) => {
        const ruleLocation = `${location}/Choices/${index}`;
        if (isObject(rule) && typeof rule.Next === 'string') edges.push(`${rule.Next}\u0000${ruleLocation}/Next`);
        if (language === 'JSONata') this.jsonataRule(rule, ruleLocation);
        else this.jsonPathRule(rule, ruleLocation, true);
      });
    }
    if (state.Default !== undefined) {
      if (typeof state.Default === 'string') edges.push(`${state.Default}\u0000${location}/Default`);
      else problems.schema("The field 'Default' must be a string", `${location}/Default`);
    }
  }

  private jsonataRule(rule: unknown, location: string): void {
    const { problems } = this;
    if (!isObject(rule)) {
      problems.schema('A choice rule must be an object', location);
      return;
    }
    const fields = new FieldChecks(problems, 'JSONata', location);
    problems.unknownFields(rule, ['Condition', 'Next', 'Comment', 'Output', 'Assign'], location,
      ['Variable', 'And', 'Or', 'Not', ...COMPARISON_OPERATORS], 'JSONata');
    problems.required(rule, ['Condition', 'Next'], location);
    if (rule.Next !== undefined && typeof rule.Next !== 'string') problems.schema("The field 'Next' must be a string", `${location}/Next`);
    // The ASL JSON schema (asl-validator) takes a string only: a `{% %}` expression.
    if (rule.Condition !== undefined && !fields.isJsonataExpression(rule.Condition)) {
      problems.schema("The field 'Condition' must be a JSONata expression {% ... %}", `${location}/Condition`);
    }
    fields.jsonata(rule.Condition, `${location}/Condition`);
    fields.jsonata(rule.Output, `${location}/Output`);
    fields.assign(rule.Assign, `${location}/Assign`);
  }

  private jsonPathRule(rule: unknown, location: string, topLevel: boolean): void {
    const { problems } = this;
    if (!isObject(rule)) {
      problems.schema('A choice rule must be an object', location);
      return;
    }
    const fields = new FieldChecks(problems, 'JSONPath', location);
    const allowed = ['Variable', 'And', 'Or', 'Not', 'Comment', ...COMPARISON_OPERATORS, ...(topLevel ? ['Next', 'Assign'] : [])];
    problems.unknownFields(rule, allowed, location, ['Condition', 'Output'], 'JSONPath');
    if (topLevel) {
      problems.required(rule, ['Next'], location);
      if (rule.Next !== undefined && typeof rule.Next !== 'string') problems.schema("The field 'Next' must be a string", `${location}/Next`);
      fields.assign(rule.Assign, `${location}/Assign`);
    }
    const operators = COMPARISON_OPERATORS.filter((operator) => rule[operator] !== undefined);
    const combinators = (['And', 'Or', 'Not'] as const).filter((combinator) => rule[combinator] !== undefined);
    if (operators.length + combinators.length !== 1) {
      problems.schema('A choice rule must have exactly one comparison operator, or one of And, Or, Not', location);
    }
    for (const combinator of combinators) {
      const inner = rule[combinator];
      if (combinator === 'Not') {
        this.jsonPathRule(inner, `${location}/Not`, false);
      } else if (!Array.isArray(inner) || inner.length === 0) {
        problems.schema(`The field '${combinator}' must be a non-empty array of choice rules`, `${location}/${combinator}`);
      } else {
        inner.forEach((nested: unknown, index) => this.jsonPathRule(nested, `${location}/${combinator}/${index}`, false));
      }
    }
    if (operators.length > 0) {
      if (rule.Variable === undefined) problems.required(rule, ['Variable'], location);
      else fields.pathOrIntrinsic(rule.Variable, `${location}/Variable`, 'Variable', false);
    } else if (rule.Variable !== undefined && combinators.length > 0) {
      problems.schema("The field 'Variable' can not be used with And, Or or Not", `${location}/Variable`);
    }
    for (const operator of operators) {
      const value = rule[operator];
      const where = `${location}/${operator}`;
      if (operator.endsWith('Path')) fields.pathOrIntrinsic(value, where, operator, false);
      else if (operator.startsWith('Is') || operator === 'BooleanEquals') {
        if (typeof value !== 'boolean') problems.schema(`The field '${operator}' must be a boolean`, where);
      } else if (operator.startsWith('Numeric')) {
        if (typeof value !== 'number') problems.schema(`The field '${operator}' must be a number`, where);
      } else if (operator.startsWith('Timestamp')) {
        if (typeof value !== 'string' || parseTimestamp(value) === undefined) {
          problems.schema(`The field '${operator}' must be an RFC3339 timestamp such as 2026-01-01T00:00:00Z`, where);
        }
      } else if (typeof value !== 'string') {
        problems.schema(`The field '${operator}' must be a string`, where);
      }
    }
  }

  private map(state: Json, fields: FieldChecks, language: Language, location: string): void {
    const { problems } = this;
    if ((state.ItemProcessor === undefined) === (state.Iterator === undefined)) {
      problems.schema("A Map state must have exactly one of 'ItemProcessor' or 'Iterator'", location);
    }
    if (state.Iterator !== undefined) this.branch(state.Iterator, `${location}/Iterator`, BRANCH_FIELDS);
    if (state.ItemProcessor !== undefined) {
      const processor = state.ItemProcessor;
      this.branch(processor, `${location}/ItemProcessor`, [...BRANCH_FIELDS, 'ProcessorConfig']);
      if (isObject(processor) && processor.ProcessorConfig !== undefined) {
        const config = processor.ProcessorConfig;
        const where = `${location}/ItemProcessor/ProcessorConfig`;
        if (!isObject(config)) problems.schema("The field 'ProcessorConfig' must be an object", where);
        else {
          problems.unknownFields(config, ['Mode', 'ExecutionType'], where, []);
          if (config.Mode === 'DISTRIBUTED') problems.add('UNSUPPORTED_FEATURE', `Distributed Map is not supported: ${LOCAL_MAP_ONLY}`, `${where}/Mode`);
          else if (config.Mode !== undefined && config.Mode !== 'INLINE') problems.schema("The field 'Mode' must be 'INLINE' or 'DISTRIBUTED'", `${where}/Mode`);
          if (config.ExecutionType !== undefined && config.ExecutionType !== 'STANDARD' && config.ExecutionType !== 'EXPRESS') {
            problems.schema("The field 'ExecutionType' must be 'STANDARD' or 'EXPRESS'", `${where}/ExecutionType`);
          }
        }
      }
    }
    for (const field of ['ItemReader', 'ResultWriter', 'ItemBatcher']) {
      if (state[field] !== undefined) problems.add('UNSUPPORTED_FEATURE', `'${field}' belongs to a Distributed Map: ${LOCAL_MAP_ONLY}`, `${location}/${field}`);
    }
    if (state.ItemSelector !== undefined && state.Parameters !== undefined) problems.schema("Only one of 'ItemSelector' and 'Parameters' may be set", location);
    if (language === 'JSONPath') fields.templates(state, ['ItemSelector']);
    else fields.jsonata(state.ItemSelector, `${location}/ItemSelector`);
    fields.paths(state, ['ItemsPath']);
    if (state.Items !== undefined && !Array.isArray(state.Items) && !fields.isJsonataExpression(state.Items)) {
      problems.schema("The field 'Items' must be an array or a JSONata expression {% ... %}", `${location}/Items`);
    }
    fields.jsonata(state.Items, `${location}/Items`);
    for (const [field, min, max] of [['MaxConcurrency', 0, 40_000], ['ToleratedFailureCount', 0, Number.MAX_SAFE_INTEGER]] as const) {
      if (state[field] !== undefined) fields.integer(state[field], field, `${location}/${field}`, min, max);
    }
    if (state.ToleratedFailurePercentage !== undefined) fields.number(state.ToleratedFailurePercentage, 'ToleratedFailurePercentage', `${location}/ToleratedFailurePercentage`, 0, 100);
    for (const field of ['MaxConcurrency', 'ToleratedFailureCount', 'ToleratedFailurePercentage']) {
      if (state[field] !== undefined && state[`${field}Path`] !== undefined) problems.schema(`Only one of '${field}' and '${field}Path' may be set`, location);
      fields.paths(state, [`${field}Path`]);
    }
    if (state.Label !== undefined && (typeof state.Label !== 'string' || state.Label.length > 40)) {
      problems.schema("The field 'Label' must be a string of at most 40 characters", `${location}/Label`);
    }
  }

  private retry(retry: unknown, location: string): void {
    const { problems } = this;
    if (retry === undefined) return;
    if (!Array.isArray(retry)) {
      problems.schema("The field 'Retry' must be an array", location);
      return;
    }
    retry.forEach((retrier: unknown, index) => {
      const where = `${location}/${index}`;
      if (!isObject(retrier)) {
        problems.schema('A retrier must be an object', where);
        return;
      }
      problems.unknownFields(retrier, RETRIER_FIELDS, where, []);
      this.errorEquals(retrier, where, index === retry.length - 1, 'retrier');
      if (retrier.IntervalSeconds !== undefined) checkInteger(problems, retrier.IntervalSeconds, 'IntervalSeconds', `${where}/IntervalSeconds`, 1, MAX_SECONDS, 'JSONPath');
      if (retrier.MaxAttempts !== undefined) checkInteger(problems, retrier.MaxAttempts, 'MaxAttempts', `${where}/MaxAttempts`, 0, MAX_SECONDS, 'JSONPath');
      if (retrier.MaxDelaySeconds !== undefined) checkInteger(problems, retrier.MaxDelaySeconds, 'MaxDelaySeconds', `${where}/MaxDelaySeconds`, 1, 31_622_400, 'JSONPath');
      if (retrier.BackoffRate !== undefined && (typeof retrier.BackoffRate !== 'number' || retrier.BackoffRate < 1)) {
        problems.schema("The field 'BackoffRate' must be a number greater than or equal to 1.0", `${where}/BackoffRate`);
      }
      if (retrier.JitterStrategy !== undefined && retrier.JitterStrategy !== 'FULL' && retrier.JitterStrategy !== 'NONE') {
        problems.schema("The field 'JitterStrategy' must be 'FULL' or 'NONE'", `${where}/JitterStrategy`);
      }
    });
  }

  private catch(catchers: unknown, language: Language, location: string, fields: FieldChecks, edges: string[]): void {
    const { problems } = this;
    if (catchers === undefined) return;
    if (!Array.isArray(catchers)) {
      problems.schema("The field 'Catch' must be an array", location);
      return;
    }
    const other: Language = language === 'JSONata' ? 'JSONPath' : 'JSONata';
    catchers.forEach((catcher: unknown, index) => {
      const where = `${location}/${index}`;
      if (!isObject(catcher)) {
        problems.schema('A catcher must be an object', where);
        return;
      }
      problems.unknownFields(catcher, CATCHER_FIELDS[language], where, CATCHER_FIELDS[other], language);
      this.errorEquals(catcher, where, index === catchers.length - 1, 'catcher');
      problems.required(catcher, ['Next'], where);
      if (catcher.Next !== undefined) {
        if (typeof catcher.Next === 'string') edges.push(`${catcher.Next}\u0000${where}/Next`);
        else problems.schema("The field 'Next' must be a string", `${where}/Next`);
      }
      new FieldChecks(problems, language, where).resultPath(catcher, 'ResultPath');
      fields.jsonata(catcher.Output, `${where}/Output`);
      fields.assign(catcher.Assign, `${where}/Assign`);
    });
  }

  /** `ErrorEquals`: a non-empty array of names; `States.ALL` alone, in the last retrier/catcher. */
  private errorEquals(object: Json, location: string, last: boolean, what: string): void {
    const { problems } = this;
    const errors = object.ErrorEquals;
    if (errors === undefined) {
      problems.required(object, ['ErrorEquals'], location);
      return;
    }
    if (!Array.isArray(errors) || errors.length === 0 || !errors.every((error) => typeof error === 'string' && error.length > 0)) {
      problems.schema("The field 'ErrorEquals' must be a non-empty array of error names", `${location}/ErrorEquals`);
      return;
    }
    if (errors.includes('States.ALL')) {
      if (errors.length > 1) problems.schema("'States.ALL' must appear alone in 'ErrorEquals'", `${location}/ErrorEquals`);
      if (!last) problems.schema(`A ${what} with 'States.ALL' must be the last one`, location);
    }
  }
}

/** Checks of individual field values that depend on the state's query language. */
class FieldChecks {
  constructor(
    private readonly problems: Problems,
    private readonly language: Language,
    private readonly location: string,
  ) {}

  /** A `{% %}` expression in a JSONata state (in a JSONPath state it is just a string). */
  isExpressionHere(value: unknown): value is string {
    return this.language === 'JSONata' && this.isJsonataExpression(value);
  }

  isJsonataExpression(value: unknown): value is string {
    if (typeof value !== 'string') return false;
    const trimmed = value.trim();
    return trimmed.startsWith('{%') && trimmed.endsWith('%}');
  }

  /** Parses every `{% %}` string inside `value` (JSONata states only). */
  jsonata(value: unknown, location: string): void {
    if (this.language !== 'JSONata' || value === undefined) return;
    if (typeof value === 'string') {
      const trimmed = value.trim();
      if (!trimmed.startsWith('{%') && !trimmed.endsWith('%}')) return;
      if (!this.isJsonataExpression(trimmed)) {
        this.problems.schema('A JSONata expression must be enclosed in {% and %}', location);
        return;
      }
      const expression = trimmed.slice(2, -2);
      try {
        jsonata(expression);
      } catch (error) {
        this.problems.schema(`The JSONata expression '${expression.trim()}' is not valid: ${(error as Error).message}`, location);
      }
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => this.jsonata(item, `${location}/${index}`));
    } else if (isObject(value)) {
      for (const [key, item] of Object.entries(value)) this.jsonata(item, `${location}/${key}`);
    }
  }

  /** An integer in [min, max], or (JSONata) a `{% %}` expression. */
  integer(value: unknown, field: string, location: string, min: number, max: number): void {
    if (this.isExpressionHere(value)) {
      this.jsonata(value, location);
      return;
    }
    checkInteger(this.problems, value, field, location, min, max, this.language);
  }

  /** A number in [min, max], or (JSONata) a `{% %}` expression. */
  number(value: unknown, field: string, location: string, min: number, max: number): void {
    if (this.isExpressionHere(value)) {
      this.jsonata(value, location);
      return;
    }
    if (typeof value !== 'number' || value < min || value > max) this.problems.schema(`The field '${field}' must be a number between ${min} and ${max}`, location);
  }

  /** JSONPath paths (`InputPath`, `*Path`). */
  paths(state: Json, fields: readonly string[], options: { nullable?: boolean } = {}): void {
    for (const field of fields) {
      const value = state[field];
      if (value === undefined || (options.nullable === true && value === null)) continue;
      if (typeof value !== 'string' || !isPath(value)) {
        this.problems.schema(`The value for the field '${field}' must be a valid JSONPath`, `${this.location}/${field}`);
      }
    }
  }

  /** `ResultPath`: a reference path into the input (`$`, `$.a.b`, `$.a[0]`) or null. */
  resultPath(state: Json, field: string): void {
    const value = state[field];
    if (value === undefined || value === null) return;
    if (typeof value !== 'string' || !isPath(value, true)) {
      this.problems.schema(`The value for the field '${field}' must be a valid JSONPath reference path`, `${this.location}/${field}`);
    }
  }

  /** A path (`Variable`, `...Path` operands, `ErrorPath`) or, where allowed, an intrinsic function. */
  pathOrIntrinsic(value: unknown, location: string, field: string, intrinsics = true): void {
    if (value === undefined) return;
    if (typeof value === 'string' && (isPath(value) || (intrinsics && isIntrinsic(value)))) return;
    const what = intrinsics ? 'a valid JSONPath or a valid intrinsic function call' : 'a valid JSONPath';
    this.problems.schema(`The value for the field '${field}' must be ${what}`, location);
  }

  /** JSONPath payload templates: each `key.$` takes a path or an intrinsic function. */
  templates(state: Json, fields: readonly string[]): void {
    for (const field of fields) {
      const value = state[field];
      if (value === undefined) continue;
      if (this.language === 'JSONata') this.jsonata(value, `${this.location}/${field}`);
      else if (field === 'Credentials' || isObject(value)) this.template(value, `${this.location}/${field}`);
      else this.problems.schema(`The field '${field}' must be an object`, `${this.location}/${field}`);
    }
  }

  private template(value: unknown, location: string): void {
    if (Array.isArray(value)) {
      value.forEach((item, index) => this.template(item, `${location}/${index}`));
      return;
    }
    if (!isObject(value)) return;
    for (const [key, item] of Object.entries(value)) {
      const where = `${location}/${key}`;
      if (key.endsWith('.$')) this.pathOrIntrinsic(item, where, key);
      else this.template(item, where);
    }
  }

  /** `Assign`: variable names, and in JSONPath their `.$` values; in JSONata the expressions. */
  assign(value: unknown, location: string): void {
    if (value === undefined) return;
    if (!isObject(value)) {
      this.problems.schema("The field 'Assign' must be an object", location);
      return;
    }
    for (const key of Object.keys(value)) {
      const name = this.language === 'JSONPath' && key.endsWith('.$') ? key.slice(0, -2) : key;
      if (!VARIABLE_NAME.test(name)) this.problems.schema(`'${name}' is not a valid variable name`, `${location}/${key}`);
    }
    if (this.language === 'JSONata') this.jsonata(value, location);
    else this.template(value, location);
  }
}

function checkInteger(problems: Problems, value: unknown, field: string, location: string, min: number, max: number, language: Language): void {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return;
  const alternative = language === 'JSONata' ? ' or a JSONata expression {% ... %}' : '';
  problems.schema(`The field '${field}' must be an integer between ${min} and ${max}${alternative}`, location);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Structural check of a JSONPath as Step Functions accepts it: `$`, `$$` (context object) or
 * `$name` (a variable), then `.name`, `..name`, `.*`, `[n]`, `[*]`, `['name']`, `[n:m]`, `[a,b]` or
 * `[?(...)]`. A reference path (`ResultPath`) allows only `$`, `.name`, `['name']` and `[n]`.
 */
export function isPath(text: string, reference = false): boolean {
  let index: number;
  if (text.startsWith('$$')) {
    if (reference) return false;
    index = 2;
  } else if (text.startsWith('$')) {
    index = 1;
    const variable = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(1));
    if (variable !== null) {
      if (reference) return false;
      index += variable[0].length;
    }
  } else {
    return false;
  }
  const name = /^[^.[\]\s()'"=<>!,$@]+/u;
  while (index < text.length) {
    const rest = text.slice(index);
    if (rest.startsWith('..')) {
      if (reference) return false;
      const after = rest.slice(2);
      if (after.startsWith('[')) {
        index += 2;
        continue;
      }
      const length = after.startsWith('*') ? 1 : (name.exec(after)?.[0].length ?? 0);
      if (length === 0) return false;
      index += 2 + length;
    } else if (rest.startsWith('.')) {
      if (rest.slice(1).startsWith('*')) {
        if (reference) return false;
        index += 2;
        continue;
      }
      const match = name.exec(rest.slice(1));
      if (match === null) return false;
      index += 1 + match[0].length;
    } else if (rest.startsWith('[')) {
      const end = closingBracket(text, index);
      if (end === -1) return false;
      const inside = text.slice(index + 1, end).trim();
      if (!isBracketContent(inside, reference)) return false;
      index = end + 1;
    } else {
      return false;
    }
  }
  return true;
}

function isBracketContent(inside: string, reference: boolean): boolean {
  if (/^\d+$/.test(inside)) return true;
  if (/^'(?:[^'\\]|\\.)*'$/.test(inside) || /^"(?:[^"\\]|\\.)*"$/.test(inside)) return true;
  if (reference) return false;
  if (inside === '*') return true;
  if (/^-?\d*:-?\d*(?::-?\d+)?$/.test(inside)) return true;
  if (/^-?\d+(?:\s*,\s*-?\d+)+$/.test(inside)) return true;
  if (/^(?:'[^']*'|"[^"]*")(?:\s*,\s*(?:'[^']*'|"[^"]*"))+$/.test(inside)) return true;
  if (/^\?\(.+\)$/su.test(inside) || /^\(.+\)$/su.test(inside)) return true;
  return false;
}

/** Index of the `]` closing the `[` at `start`, skipping quotes and parentheses; -1 if none. */
function closingBracket(text: string, start: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let index = start + 1; index < text.length; index += 1) {
    const char = text[index];
    if (quote !== undefined) {
      if (char === '\\') index += 1;
      else if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '(' || char === '[') depth += 1;
    else if (char === ')' || (char === ']' && depth > 0)) depth -= 1;
    else if (char === ']') return index;
  }
  return -1;
}

/**
 * Structural check of an intrinsic function call (`States.Format('{}', $.a)`): a known
 * `States.*` name, balanced parentheses, and arguments that are string literals (with `\'`
 * escapes), numbers, `true`/`false`/`null`, paths, or nested calls.
 */
export function isIntrinsic(text: string): boolean {
  const match = /^States\.([A-Za-z0-9]+)\s*\(/.exec(text.trim());
  if (match === null || !INTRINSICS.has(match[1] as string)) return false;
  const trimmed = text.trim();
  if (!trimmed.endsWith(')')) return false;
  const body = trimmed.slice(match[0].length, -1);
  const args = splitArguments(body);
  if (args === undefined) return false;
  if (args.length === 1 && args[0] === '') return true;
  return args.every((arg) => isArgument(arg.trim()));
}

function isArgument(arg: string): boolean {
  if (arg === '') return false;
  if (/^'(?:[^'\\]|\\.)*'$/su.test(arg)) return true;
  if (/^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(arg)) return true;
  if (arg === 'true' || arg === 'false' || arg === 'null') return true;
  if (arg.startsWith('$')) return isPath(arg);
  return isIntrinsic(arg);
}

/** Splits on top-level commas; `undefined` when quotes or parentheses do not balance. */
function splitArguments(body: string): string[] | undefined {
  const args: string[] = [];
  let depth = 0;
  let current = '';
  let inString = false;
  for (let index = 0; index < body.length; index += 1) {
    const char = body[index] as string;
    if (inString) {
      current += char;
      if (char === '\\' && index + 1 < body.length) {
        index += 1;
        current += body[index] as string;
      } else if (char === "'") inString = false;
      continue;
    }
    if (char === "'") inString = true;
    else if (char === '(' || char === '[') depth += 1;
    else if (char === ')' || char === ']') {
      depth -= 1;
      if (depth < 0) return undefined;
    } else if (char === ',' && depth === 0) {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += char;
  }
  if (inString || depth !== 0) return undefined;
  args.push(current.trim());
  return args;
}
