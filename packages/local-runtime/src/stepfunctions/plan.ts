/** The assembly's state machines on the @order-flow/step-functions engine. */
import {
  RealClock,
  StepFunctionsEngine,
  VirtualClock,
  type Clock,
  type ExecutionResult as EngineExecutionResult,
  type LambdaOutcome,
  type StepFunctionsEngineOptions,
  type TaskIntegration,
} from '@order-flow/step-functions';
import type { AssemblyStack, TemplateResource } from '../cloudformation/assembly.js';
import type { AssemblyResolver, ResourceRef } from '../cloudformation/resolver.js';
import { findResource, infoOf, labelOf, type NamedResourceInfo } from '../cloudformation/resources.js';

/** A state machine of the running assembly. */
export interface StateMachineInfo extends NamedResourceInfo {
  /** The template's `StateMachineType`. */
  readonly stateMachineType: 'STANDARD' | 'EXPRESS';
  /** The resolved ASL definition, as JSON text. */
  readonly definition: string;
  /** The resolved `RoleArn`, when the template has one. */
  readonly roleArn?: string;
  /** When the runtime created it (its start). */
  readonly creationDate: Date;
}

/** The result of an execution run locally: the engine's result plus summaries of its history. */
export interface ExecutionResult extends EngineExecutionResult {
  /** State names in the order they were entered (a retry is not a new entry; a loop back is). */
  readonly statesVisited: readonly string[];
  /** Task attempts beyond the first, over all states: how often a Retry fired. */
  readonly retries: number;
  /** stopDate - startDate, on the runtime's clock (virtual time included). */
  readonly durationMs: number;
}

/** The ARN prefixes of the built-in integrations that need DynamoDB Local or the bus. */
const BUILT_IN_PREFIXES = ['arn:aws:states:::dynamodb:', 'arn:aws:states:::aws-sdk:dynamodb:', 'arn:aws:states:::sqs:sendMessage', 'arn:aws:states:::sns:publish', 'arn:aws:states:::events:putEvents'];

/** Stands in for an integration until DynamoDB Local runs (never called: the runtime starts it first). */
const notReady: TaskIntegration = () => Promise.reject(new Error('The local runtime is still starting'));

/** Options of {@link createEngine}. */
export interface EngineSettings {
  readonly clock?: 'real' | 'virtual' | Clock;
  readonly seed?: number;
  readonly expressAtLeastOnce?: StepFunctionsEngineOptions['expressAtLeastOnce'];
  readonly region: string;
  readonly accountId: string;
  /** Runs a Lambda Task (called only once the runtime runs). */
  readonly invokeFunction: (functionRef: string, payload: unknown) => Promise<LambdaOutcome>;
  /** The user's integrations; they win over built-ins. */
  readonly integrations?: Readonly<Record<string, TaskIntegration>>;
}

/**
 * The engine, with placeholders for the built-in integrations so definitions load before
 * DynamoDB Local runs; `setIntegrations` installs the real ones (the user's still win).
 */
export function createEngine(settings: EngineSettings): { engine: StepFunctionsEngine; setIntegrations: (builtIns: Record<string, TaskIntegration>) => void } {
  const integrations: Record<string, TaskIntegration> = { ...Object.fromEntries(BUILT_IN_PREFIXES.map((key) => [key, notReady])), ...settings.integrations };
  const clock = settings.clock === 'virtual' ? new VirtualClock() : settings.clock === 'real' || settings.clock === undefined ? new RealClock() : settings.clock;
  const engine = new StepFunctionsEngine({
    clock,
    region: settings.region,
    accountId: settings.accountId,
    ...(settings.seed !== undefined && { seed: settings.seed }),
    ...(settings.expressAtLeastOnce !== undefined && { expressAtLeastOnce: settings.expressAtLeastOnce }),
    invokeFunction: settings.invokeFunction,
    integrations,
  });
  return { engine, setIntegrations: (builtIns) => Object.assign(integrations, builtIns, settings.integrations) };
}

/** Creates every `AWS::StepFunctions::StateMachine` of the assembly on the engine. */
export function planStateMachines(active: readonly ResourceRef[], resolver: AssemblyResolver, engine: StepFunctionsEngine): StateMachineInfo[] {
  const creationDate = new Date(engine.clock.now());
  return active
    .filter(({ resource }) => resource.type === 'AWS::StepFunctions::StateMachine')
    .map(({ stack, resource }) => {
      const name = resolver.physicalName(stack, resource.logicalId);
      const arn = String(resolver.refOf(stack, resource.logicalId));
      const definition = definitionOf(resolver, stack, resource);
      const roleArn = resource.properties.RoleArn === undefined ? undefined : String(resolver.resolve(stack, resource.properties.RoleArn));
      const stateMachineType = resource.properties.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD';
      try {
        engine.createStateMachine({ name, arn, definition, type: stateMachineType, ...(roleArn !== undefined && { roleArn }) });
      } catch (error) {
        throw Object.assign(new Error(`State machine ${labelOf(stack, resource)}: ${(error as Error).message}`, { cause: error }), { name: (error as Error).name });
      }
      return {
        ...infoOf(stack, resource),
        name,
        arn,
        stateMachineType,
        definition: JSON.stringify(definition),
        ...(roleArn !== undefined && { roleArn }),
        creationDate,
      } satisfies StateMachineInfo;
    });
}

/** The state machine named by `ref` (name, ARN, construct path or logical id), or the only one. */
export function findStateMachine(all: readonly StateMachineInfo[], resources: readonly ResourceRef[], ref: string | undefined): StateMachineInfo {
  if (ref === undefined) {
    if (all.length !== 1) {
      throw new Error(`The assembly has ${all.length} state machines (${all.map((info) => info.path ?? info.name).join(', ')}): pass options.stateMachine`);
    }
    return all[0]!;
  }
  const direct = all.find((info) => info.name === ref || info.arn === ref);
  if (direct) return direct;
  const { stack, resource } = findResource(resources, ref, 'AWS::StepFunctions::StateMachine');
  const match = all.find((info) => info.stackName === stack.stackName && info.logicalId === resource.logicalId);
  if (!match) throw new Error(`No state machine '${ref}' in the assembly`);
  return match;
}

function definitionOf(resolver: AssemblyResolver, stack: AssemblyStack, resource: TemplateResource): Record<string, unknown> {
  const props = resource.properties;
  const label = labelOf(stack, resource);
  const substitutions = resolver.resolve(stack, props.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
  const substitute = (text: string) => text.replace(/\$\{([^}]+)\}/g, (match, key: string) => (key in substitutions ? String(substitutions[key]) : match));
  if (props.DefinitionString !== undefined) {
    const text = resolver.resolve(stack, props.DefinitionString);
    if (typeof text !== 'string') throw new Error(`State machine ${label}: DefinitionString did not resolve to a string`);
    try {
      return JSON.parse(substitute(text)) as Record<string, unknown>;
    } catch (error) {
      throw new Error(`State machine ${label}: DefinitionString is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  if (props.Definition !== undefined) {
    return JSON.parse(substitute(JSON.stringify(resolver.resolve(stack, props.Definition)))) as Record<string, unknown>;
  }
  throw new Error(`State machine ${label}: only DefinitionString or Definition is supported locally (not DefinitionS3Location)`);
}

/** The engine's result with what callers of `run()` most often want from its history. */
export function summarize(result: EngineExecutionResult): ExecutionResult {
  const statesVisited: string[] = [];
  let scheduled = 0;
  let entries = 0;
  for (const event of result.history) {
    if (event.type.endsWith('StateEntered')) {
      statesVisited.push((event.stateEnteredEventDetails as { name: string }).name);
      if (event.type === 'TaskStateEntered') entries++;
    }
    if (event.type === 'TaskScheduled' || event.type === 'LambdaFunctionScheduled') scheduled++;
  }
  return { ...result, statesVisited, retries: Math.max(0, scheduled - entries), durationMs: result.stopDate.getTime() - result.startDate.getTime() };
}
