import { StatesError, StatesErrors } from '../errors.js';
import { readPath, resolvePayloadTemplate } from '../query/jsonpath.js';
import { queryScope } from '../interpreter/env.js';
import { contextOf, effectiveInput, finish, finishJsonPath, jsonata, type StateResult, type StateRun } from '../interpreter/io.js';
import { evaluateChoiceRule, type JsonPathChoiceRule } from './choice-rules.js';

interface ChoiceRule {
  readonly Next: string;
  readonly Condition?: unknown;
  readonly Assign?: unknown;
  readonly Output?: unknown;
}

/**
 * Choice ("Choice workflow state"): the first rule that matches names the next state (JSONPath
 * comparison rules over the effective input, or a JSONata `Condition`); else `Default`; else
 * `States.NoChoiceMatched`. A matched rule's own Assign/Output apply (JSONata), else the state's.
 */
export function choiceState(run: StateRun): (StateResult & { next: string }) | Promise<StateResult & { next: string }> {
  return run.language === 'JSONata' ? jsonataChoice(run) : jsonPathChoice(run);
}

/** JSONPath rules never wait: the decision comes back without a promise (see runState). */
function jsonPathChoice(run: StateRun): StateResult & { next: string } {
  const context = contextOf(run);
  const { state } = run;
  const rules = (state.Choices as readonly ChoiceRule[]) ?? [];
  const input = effectiveInput(run, context, null);
  const scope = queryScope(input, context, run.frame);
  for (const rule of rules) {
    if (!evaluateChoiceRule(rule as unknown as JsonPathChoiceRule, scope, readPath)) continue;
    const result = finishJsonPath(run, context, input, { resultPath: false }).output;
    if (rule.Assign === undefined) return { ...result, next: rule.Next };
    return { ...result, assigned: resolvePayloadTemplate(rule.Assign, scope, 'Assign') as Record<string, unknown>, next: rule.Next };
  }
  if (typeof state.Default === 'string') return { ...finishJsonPath(run, context, input, { resultPath: false }).output, next: state.Default };
  throw noMatch();
}

async function jsonataChoice(run: StateRun): Promise<StateResult & { next: string }> {
  const context = contextOf(run);
  const { state } = run;
  const rules = (state.Choices as readonly ChoiceRule[]) ?? [];
  for (const rule of rules) {
    const condition = await jsonata(run, context, 'Condition', rule.Condition);
    if (typeof condition !== 'boolean') {
      throw new StatesError(StatesErrors.QueryEvaluationError, `The Condition field must evaluate to a boolean, got ${JSON.stringify(condition)}`);
    }
    if (!condition) continue;
    const output = rule.Output !== undefined ? await jsonata(run, context, 'Output', rule.Output) : state.Output !== undefined ? await jsonata(run, context, 'Output', state.Output) : run.rawInput;
    const assign = rule.Assign ?? state.Assign;
    const assigned = assign === undefined ? undefined : ((await jsonata(run, context, 'Assign', assign)) as Record<string, unknown>);
    return { output, next: rule.Next, ...(assigned !== undefined && { assigned }) };
  }
  if (typeof state.Default === 'string') return { ...(await finish(run, context, run.rawInput)), next: state.Default };
  throw noMatch();
}

function noMatch(): StatesError {
  return new StatesError(StatesErrors.NoChoiceMatched, 'No Matches!');
}
