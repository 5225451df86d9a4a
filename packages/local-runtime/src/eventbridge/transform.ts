/**
 * What a rule target receives (Amazon EventBridge User Guide, "Transforming target input"; API
 * Reference `Target.Input`, `Target.InputPath`, `InputTransformer`): the whole event, a constant
 * `Input`, the part of the event at `InputPath`, or an `InputTemplate` filled from
 * `InputPathsMap` and the predefined variables.
 */

/** The target's input options (CloudFormation `AWS::Events::Rule` Target properties). */
export interface TargetInputSpec {
  /** Constant JSON text sent instead of the event. */
  readonly input?: string;
  /** JSON path (`$.detail`) of the part of the event sent. */
  readonly inputPath?: string;
  readonly inputTransformer?: { readonly inputPathsMap?: Readonly<Record<string, string>>; readonly inputTemplate: string };
}

/** The rule a delivery is made for (predefined variables). */
export interface TransformContext {
  readonly ruleArn: string;
  readonly ruleName: string;
  /** Ingestion time, ISO 8601. */
  readonly ingestionTime: string;
}

/** An input option EventBridge refuses (AWS: `ValidationException` at PutTargets). */
export class InvalidTargetInputError extends Error {
  override readonly name = 'ValidationException';
}

const PATH = /^\$(?:\.(?:[A-Za-z0-9_\-/]+|\*)|\[\d+\])*$/;

/**
 * Checks the options the way PutTargets does: at most one of Input, InputPath, InputTransformer;
 * valid JSON in Input; JSON paths in dot notation; variable names not starting with `aws.`.
 *
 * @throws InvalidTargetInputError
 */
export function validateTargetInput(spec: TargetInputSpec, label: string): void {
  const given = [spec.input !== undefined, spec.inputPath !== undefined, spec.inputTransformer !== undefined].filter(Boolean).length;
  if (given > 1) throw new InvalidTargetInputError(`${label}: only one of Input, InputPath and InputTransformer can be given`);
  if (spec.input !== undefined) {
    try {
      JSON.parse(spec.input);
    } catch {
      throw new InvalidTargetInputError(`${label}: Input is not valid JSON`);
    }
  }
  if (spec.inputPath !== undefined && !PATH.test(spec.inputPath)) throw new InvalidTargetInputError(`${label}: InputPath ${JSON.stringify(spec.inputPath)} is not a JSON path EventBridge supports`);
  const transformer = spec.inputTransformer;
  if (transformer) {
    if (typeof transformer.inputTemplate !== 'string' || transformer.inputTemplate === '') throw new InvalidTargetInputError(`${label}: InputTransformer.InputTemplate is required`);
    const names = Object.entries(transformer.inputPathsMap ?? {});
    if (names.length > 100) throw new InvalidTargetInputError(`${label}: InputPathsMap has more than 100 variables`);
    for (const [name, path] of names) {
      if (name.startsWith('aws.')) throw new InvalidTargetInputError(`${label}: InputPathsMap variable ${name} cannot start with "aws."`);
      if (typeof path !== 'string' || !PATH.test(path)) throw new InvalidTargetInputError(`${label}: InputPathsMap.${name} ${JSON.stringify(path)} is not a JSON path EventBridge supports`);
    }
  }
}

/**
 * The input a target receives for `event`: a JSON value (what a Lambda function gets as its
 * event, a state machine as its input). A template that is not JSON once filled (e.g.
 * `<instance> is in state <status>`) yields its text as a string.
 */
export function targetInput(spec: TargetInputSpec, event: Record<string, unknown>, context: TransformContext): unknown {
  if (spec.input !== undefined) return JSON.parse(spec.input);
  if (spec.inputPath !== undefined) return readPath(event, spec.inputPath);
  if (spec.inputTransformer) {
    const text = renderTemplate(spec.inputTransformer.inputTemplate, spec.inputTransformer.inputPathsMap ?? {}, event, context);
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return event;
}

/** The value at a JSON path (`$`, `$.a.b`, `$.a[0]`, `$.a.*`), or undefined. */
export function readPath(value: unknown, path: string): unknown {
  const steps = path.slice(1).match(/\.[^.[]+|\[\d+\]/g) ?? [];
  let current: unknown = value;
  for (const step of steps) {
    if (current === undefined || current === null || typeof current !== 'object') return undefined;
    if (step.startsWith('[')) {
      current = Array.isArray(current) ? current[Number(step.slice(1, -1))] : undefined;
    } else {
      const key = step.slice(1);
      if (key === '*') current = Array.isArray(current) ? current : Object.values(current);
      else if (Array.isArray(current) && /^\d+$/.test(key)) current = current[Number(key)];
      else current = Array.isArray(current) ? undefined : (current as Record<string, unknown>)[key];
    }
  }
  return current;
}

/**
 * Fills an InputTemplate, AWS's way: inside a JSON string literal a placeholder is replaced by
 * the value's text (strings unquoted, escaped for the literal); outside string literals of a JSON
 * template (`{...}`/`[...]`) by the value as JSON (a string gets its quotes); a missing path is
 * `null` there and empty inside a string. A template that is not JSON (`<a> is <b>`) gets the raw
 * text. `<aws.events.event>` is the original event as JSON (JSON positions only),
 * `<aws.events.event.json>` the same, usable inside strings too.
 */
export function renderTemplate(template: string, pathsMap: Readonly<Record<string, string>>, event: Record<string, unknown>, context: TransformContext): string {
  const variables = new Map<string, unknown>();
  for (const [name, path] of Object.entries(pathsMap)) variables.set(name, readPath(event, path));
  variables.set('aws.events.rule-arn', context.ruleArn);
  variables.set('aws.events.rule-name', context.ruleName);
  variables.set('aws.events.event.ingestion-time', context.ingestionTime);
  variables.set('aws.events.event', event);
  variables.set('aws.events.event.json', event);
  const trimmed = template.trimStart();
  const json = trimmed.startsWith('{') || trimmed.startsWith('[') || trimmed.startsWith('"');
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; i++) {
    const char = template[i]!;
    if (json && char === '\\' && inString) {
      out += char + (template[i + 1] ?? '');
      i++;
      continue;
    }
    if (json && char === '"') {
      inString = !inString;
      out += char;
      continue;
    }
    if (char === '<') {
      const close = template.indexOf('>', i);
      const name = close > i ? template.slice(i + 1, close) : '';
      if (close > i && variables.has(name)) {
        const value = variables.get(name);
        if (!json) out += value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
        else if (inString) out += value === undefined ? '' : JSON.stringify(typeof value === 'string' ? value : JSON.stringify(value)).slice(1, -1);
        else out += value === undefined ? 'null' : JSON.stringify(value);
        i = close;
        continue;
      }
    }
    out += char;
  }
  return out;
}
