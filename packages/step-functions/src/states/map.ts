import { StatesError, StatesErrors, toStatesError } from '../errors.js';
import { readPath, resolvePayloadTemplate } from '../query/jsonpath.js';
import { contextObject, queryScope } from '../interpreter/env.js';
import { runStates, type StatesBlock } from '../interpreter/run-states.js';
import { contextOf, effectiveInput, finishFanOut, jsonata, type StateResult, type StateRun } from '../interpreter/io.js';

/**
 * One attempt of an inline Map state ("Map state in Inline mode"): items from ItemsPath (over
 * the effective input) or JSONata `Items`, each shaped by ItemSelector (legacy `Parameters`) with
 * `$$.Map.Item.Index/Value`, run through ItemProcessor (legacy `Iterator`) with at most
 * MaxConcurrency at a time (0: no limit); the result is the outputs in item order. Failed
 * iterations beyond ToleratedFailureCount/Percentage fail the state
 * (`States.ExceedToleratedFailureThreshold` when a tolerance is set, else the iteration's error)
 * and stop the others.
 */
export async function mapAttempt(run: StateRun, retryCount: number): Promise<StateResult> {
  const { env, frame, state } = run;
  const context = contextOf(run, retryCount);
  const jsonataState = run.language === 'JSONata';
  const input = jsonataState ? run.rawInput : effectiveInput(run, context, null);

  let items: unknown;
  if (jsonataState) items = state.Items === undefined ? run.rawInput : await jsonata(run, context, 'Items', state.Items);
  else items = typeof state.ItemsPath === 'string' ? readPath(state.ItemsPath, queryScope(input, context, frame)) : input;
  if (!Array.isArray(items)) {
    throw new StatesError(jsonataState ? StatesErrors.QueryEvaluationError : StatesErrors.Runtime, `Map items must be a JSON array, got ${JSON.stringify(items)}`);
  }
  const list = items as unknown[];
  const maxConcurrency = await numberField(run, context, 'MaxConcurrency', 0);
  const toleratedCount = await numberField(run, context, 'ToleratedFailureCount', undefined);
  const toleratedPercentage = await numberField(run, context, 'ToleratedFailurePercentage', undefined);
  const processor = (state.ItemProcessor ?? state.Iterator) as StatesBlock;
  const selector = state.ItemSelector ?? state.Parameters;

  frame.line.add('MapStateStarted', { length: items.length });
  const stop = new AbortController();
  const signal = AbortSignal.any([frame.signal, stop.signal]);
  const outputs: unknown[] = new Array<unknown>(items.length).fill(null);
  let failures = 0;
  let fatal: StatesError | undefined;
  const allowed = (failed: number) => {
    if (toleratedCount === undefined && toleratedPercentage === undefined) return failed === 0;
    return (toleratedCount === undefined || failed <= toleratedCount) && (toleratedPercentage === undefined || (failed / items.length) * 100 <= toleratedPercentage);
  };

  let nextIndex = 0;
  const worker = async (): Promise<void> => {
    while (nextIndex < items.length && fatal === undefined && !frame.signal.aborted) {
      const index = nextIndex++;
      const mapItem = { Index: index, Value: list[index] };
      const itemFrame = { ...frame, line: frame.line.fork(), variables: frame.variables.child(), mapItem, queryLanguage: run.language, signal };
      const itemContext = contextObject(env, itemFrame, { name: run.name, enteredTime: run.enteredTime, retryCount });
      itemFrame.line.add('MapIterationStarted', { name: run.name, index });
      try {
        const itemInput =
          selector === undefined
            ? list[index]
            : jsonataState
              ? await jsonata(run, itemContext, 'ItemSelector', selector)
              : resolvePayloadTemplate(selector, queryScope(input, itemContext, frame), 'ItemSelector');
        outputs[index] = await runStates(processor, itemInput, itemFrame, env);
        itemFrame.line.add('MapIterationSucceeded', { name: run.name, index });
      } catch (error) {
        if (frame.signal.aborted) return;
        if (fatal !== undefined) {
          itemFrame.line.add('MapIterationAborted', { name: run.name, index });
          return;
        }
        const failure = toStatesError(error);
        itemFrame.line.add('MapIterationFailed', { name: run.name, index });
        failures++;
        if (!allowed(failures)) {
          const tolerance = toleratedCount !== undefined || toleratedPercentage !== undefined;
          fatal = tolerance ? new StatesError(StatesErrors.ExceedToleratedFailureThreshold, 'The specified tolerated failure threshold was exceeded') : failure;
          stop.abort(fatal);
        }
      }
    }
  };
  const workers = maxConcurrency === 0 ? items.length : Math.min(maxConcurrency, items.length);
  await Promise.all(Array.from({ length: workers }, worker));
  return finishFanOut(run, context, 'Map', outputs, fatal);
}

async function numberField<T extends number | undefined>(run: StateRun, context: ReturnType<typeof contextOf>, field: string, fallback: T): Promise<number | T> {
  let value: unknown = run.state[field];
  if (run.language === 'JSONata' && value !== undefined) value = await jsonata(run, context, field, value);
  const path = run.state[`${field}Path`];
  if (typeof path === 'string') value = readPath(path, queryScope(run.rawInput, context, run.frame));
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || value < 0) {
    throw new StatesError(run.language === 'JSONata' ? StatesErrors.QueryEvaluationError : StatesErrors.Runtime, `The ${field} field must be a non-negative number, got ${JSON.stringify(value)}`);
  }
  return value;
}
