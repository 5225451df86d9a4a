import { validateDefinition } from '../definition/validate.js';

/** Options of {@link worstCaseDuration}. */
export interface WorstCaseOptions {
  /**
   * The longest one attempt of a Task may take when the state has no `TimeoutSeconds` (Step
   * Functions' own default is 99,999,999 s): e.g. the Lambda function's timeout plus the Invoke
   * overhead. Called per Task state.
   * @default - the state's TimeoutSeconds, else 99,999,999 s as on AWS
   */
  readonly taskSeconds?: (stateName: string, state: Readonly<Record<string, unknown>>) => number | undefined;
  /**
   * How many items a Map state may get (its iterations run MaxConcurrency at a time).
   * @default - a Map is reported as unbounded
   */
  readonly mapItems?: (stateName: string) => number | undefined;
}

/** The longest an execution of a definition can take without anyone stopping it. */
export interface WorstCase {
  /** Seconds, along {@link path}. `Infinity` when something is unbounded (see {@link unbounded}). */
  readonly seconds: number;
  /** The states of the longest path, in order. */
  readonly path: readonly string[];
  /** Why the budget cannot be bounded: loops, `SecondsPath`/`TimestampPath` waits, unbounded Maps. */
  readonly unbounded: readonly string[];
}

const AWS_DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;
type State = Readonly<Record<string, unknown>> & { readonly Type: string };
interface Block {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, State>>;
}
interface Retrier {
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
}

/**
 * The worst-case duration of a definition: along every path (Next, Default, every Choice rule,
 * every Catch), each Task/Parallel/Map state fails as often as its retriers allow — **each retrier
 * in turn**, since a long outage changes the error a state sees (a throttle, then a timeout, then
 * a crash) and every matching retrier counts its own attempts ("Error handling in Step
 * Functions" > "Retrying after an error") — each attempt lasting its task timeout, each wait its
 * full backoff (IntervalSeconds x BackoffRate^n, capped by MaxDelaySeconds; full jitter only
 * shortens it), and Wait states their Seconds. The machine's `TimeoutSeconds` must cover it, or a
 * long outage times executions out mid-compensation.
 *
 * @example
 * const { seconds, path } = worstCaseDuration(definition, { taskSeconds: () => 15 });
 * if (seconds > definition.TimeoutSeconds) throw new Error(`budget ${seconds} s along ${path.join(' -> ')}`);
 */
export function worstCaseDuration(definition: unknown, options: WorstCaseOptions = {}): WorstCase {
  const validated = validateDefinition(definition) as unknown as Block;
  const unbounded: string[] = [];
  const result = longestFrom(validated, validated.StartAt, new Set(), options, unbounded);
  return { seconds: unbounded.length > 0 ? Infinity : result.seconds, path: result.path, unbounded };
}

/** The worst-case seconds of one state, entry to exit, with every retrier exhausted in turn. */
export function stateWorstCase(name: string, state: State, options: WorstCaseOptions, unbounded: string[]): number {
  const attemptSeconds = attemptWorstCase(name, state, options, unbounded);
  const retriers = (state.Retry as readonly Retrier[] | undefined) ?? [];
  let attempts = 1;
  let waits = 0;
  for (const retrier of retriers) {
    const max = retrier.MaxAttempts ?? 3;
    attempts += max;
    for (let n = 0; n < max; n++) {
      const wait = (retrier.IntervalSeconds ?? 1) * Math.pow(retrier.BackoffRate ?? 2, n);
      waits += retrier.MaxDelaySeconds === undefined ? wait : Math.min(wait, retrier.MaxDelaySeconds);
    }
  }
  return attempts * attemptSeconds + waits;
}

function attemptWorstCase(name: string, state: State, options: WorstCaseOptions, unbounded: string[]): number {
  switch (state.Type) {
    case 'Task': {
      if (typeof state.TimeoutSeconds === 'number') return state.TimeoutSeconds;
      if (state.TimeoutSecondsPath !== undefined || typeof state.TimeoutSeconds === 'string') {
        unbounded.push(`${name}: its TimeoutSeconds comes from the input`);
        return 0;
      }
      return options.taskSeconds?.(name, state) ?? AWS_DEFAULT_TASK_TIMEOUT_SECONDS;
    }
    case 'Wait': {
      if (typeof state.Seconds === 'number') return state.Seconds;
      unbounded.push(`${name}: a Wait whose time comes from the input`);
      return 0;
    }
    case 'Parallel':
      return Math.max(0, ...((state.Branches as readonly Block[]) ?? []).map((branch) => longestFrom(branch, branch.StartAt, new Set(), options, unbounded).seconds));
    case 'Map': {
      const processor = (state.ItemProcessor ?? state.Iterator) as Block;
      const each = longestFrom(processor, processor.StartAt, new Set(), options, unbounded).seconds;
      const items = options.mapItems?.(name);
      if (items === undefined) {
        unbounded.push(`${name}: a Map over any number of items (give mapItems)`);
        return 0;
      }
      const concurrency = typeof state.MaxConcurrency === 'number' && state.MaxConcurrency > 0 ? state.MaxConcurrency : items;
      return Math.ceil(items / Math.max(1, concurrency)) * each;
    }
    default:
      return 0;
  }
}

// Each state's longest tail is computed once per block (a DAG); a loop is reported, not followed.
const memo = new WeakMap<Block, Map<string, { seconds: number; path: string[] }>>();

function longestFrom(block: Block, name: string, onPath: Set<string>, options: WorstCaseOptions, unbounded: string[]): { seconds: number; path: string[] } {
  let known = memo.get(block);
  if (!known) memo.set(block, (known = new Map<string, { seconds: number; path: string[] }>()));
  const cached = known.get(name);
  if (cached) return cached;
  if (onPath.has(name)) {
    unbounded.push(`${name}: a loop (${[...onPath, name].join(' -> ')})`);
    return { seconds: 0, path: [name] };
  }
  const state = block.States[name]!;
  const own = stateWorstCase(name, state, options, unbounded);
  const next = new Set<string>();
  if (typeof state.Next === 'string') next.add(state.Next);
  if (typeof state.Default === 'string') next.add(state.Default);
  for (const rule of (state.Choices as readonly { Next: string }[] | undefined) ?? []) next.add(rule.Next);
  for (const catcher of (state.Catch as readonly { Next: string }[] | undefined) ?? []) next.add(catcher.Next);
  onPath.add(name);
  let best = { seconds: 0, path: [] as string[] };
  for (const target of next) {
    const candidate = longestFrom(block, target, onPath, options, unbounded);
    if (candidate.seconds > best.seconds || best.path.length === 0) best = candidate;
  }
  onPath.delete(name);
  const result = { seconds: own + best.seconds, path: [name, ...best.path] };
  known.set(name, result);
  return result;
}
