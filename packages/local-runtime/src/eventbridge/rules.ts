/**
 * Rules, targets and schedules read from a cloud assembly: `AWS::Events::Rule` (an
 * `EventPattern` on a bus, or a `ScheduleExpression`) and `AWS::Scheduler::Schedule`. Everything
 * that can be wrong with them (a pattern, an expression, a target input) fails here, when the
 * runtime starts, with the resource's construct path in the message.
 */
import type { AssemblyStack, TemplateResource } from '../cloudformation/assembly.js';
import { compileEventPattern, InvalidEventPatternError, type EventPattern } from './pattern.js';
import { parseScheduleExpression, type Schedule } from './schedule.js';
import { validateTargetInput, type TargetInputSpec } from './transform.js';

/** What a target ARN names, as the local runtime delivers to it. */
export type TargetKind = 'lambda' | 'stepfunctions' | 'eventbus' | 'unsupported';

/** A target of a rule. */
export interface RuleTarget {
  readonly id: string;
  readonly arn: string;
  readonly kind: TargetKind;
  readonly input: TargetInputSpec;
}

/** An EventBridge rule: a pattern on a bus, or a schedule (default bus). */
export interface EventRule {
  readonly name: string;
  readonly arn: string;
  readonly busName: string;
  readonly state: 'ENABLED' | 'DISABLED';
  readonly pattern?: EventPattern;
  readonly schedule?: Schedule;
  readonly targets: readonly RuleTarget[];
  /** Construct path, when the rule comes from an assembly. */
  readonly path?: string;
}

/** An EventBridge Scheduler schedule. */
export interface SchedulerSchedule {
  readonly name: string;
  readonly groupName: string;
  readonly arn: string;
  readonly schedule: Schedule;
  readonly timezone: string;
  readonly state: 'ENABLED' | 'DISABLED';
  /** `FlexibleTimeWindow.Mode`: FLEXIBLE schedules fire at the start of their window locally. */
  readonly flexibleTimeWindow: 'OFF' | 'FLEXIBLE';
  readonly startDate?: number;
  readonly endDate?: number;
  readonly target: { readonly arn: string; readonly kind: TargetKind; readonly input?: string };
  readonly path?: string;
}

/** An invalid rule or schedule of the assembly (its path and AWS's reason in the message). */
export class InvalidEventRuleError extends Error {
  override readonly name = 'InvalidEventRuleError';
}

/** The kind of target an ARN names. */
export function targetKindOf(arn: string): TargetKind {
  if (/^arn:[^:]+:lambda:[^:]*:[^:]*:function:/.test(arn)) return 'lambda';
  if (/^arn:[^:]+:states:[^:]*:[^:]*:stateMachine:/.test(arn)) return 'stepfunctions';
  if (/^arn:[^:]+:events:[^:]*:[^:]*:event-bus\//.test(arn)) return 'eventbus';
  return 'unsupported';
}

/** A resolved template value as text (objects as JSON). */
const text = (value: unknown, fallback = ''): string => (value === undefined || value === null ? fallback : typeof value === 'string' ? value : JSON.stringify(value));

/** A bus name from a name or an ARN (`default` when empty). */
export function busNameOf(value: unknown): string {
  if (value === undefined || value === null || value === '') return 'default';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(text)?.[1] ?? text;
}

/** What rules need from the runtime's resolver (`AssemblyResolver` fits). */
export interface RuleResolver {
  readonly env: { readonly region: string; readonly accountId: string; readonly partition?: string };
  resolve(stack: AssemblyStack, value: unknown): unknown;
  physicalName(stack: AssemblyStack, logicalId: string): string;
  attributeOf(stack: AssemblyStack, logicalId: string, attribute: string): unknown;
}

/**
 * The rules and schedules of the active resources of an assembly.
 *
 * @throws InvalidEventRuleError for an invalid pattern, schedule expression or target input
 */
export function eventRulesFromAssembly(
  active: readonly { readonly stack: AssemblyStack; readonly resource: TemplateResource }[],
  resolver: RuleResolver,
): { rules: EventRule[]; schedules: SchedulerSchedule[] } {
  const rules: EventRule[] = [];
  const schedules: SchedulerSchedule[] = [];
  for (const { stack, resource } of active) {
    const label = `${resource.type === 'AWS::Events::Rule' ? 'Rule' : 'Schedule'} ${resource.path ?? `${stack.stackName}/${resource.logicalId}`}`;
    try {
      if (resource.type === 'AWS::Events::Rule') rules.push(ruleOf(stack, resource, resolver, label));
      if (resource.type === 'AWS::Scheduler::Schedule') schedules.push(scheduleOf(stack, resource, resolver, label));
    } catch (error) {
      if (error instanceof InvalidEventRuleError || error instanceof InvalidEventPatternError) throw error;
      throw new InvalidEventRuleError(`${label}: ${(error as Error).message}`, { cause: error });
    }
  }
  return { rules, schedules };
}

function ruleOf(stack: AssemblyStack, resource: TemplateResource, resolver: RuleResolver, label: string): EventRule {
  const props = resolver.resolve(stack, resource.properties) as {
    EventBusName?: unknown;
    EventPattern?: unknown;
    ScheduleExpression?: unknown;
    State?: unknown;
    Targets?: {
      Id?: unknown;
      Arn?: unknown;
      Input?: unknown;
      InputPath?: unknown;
      InputTransformer?: { InputPathsMap?: Record<string, string>; InputTemplate?: unknown };
    }[];
  };
  if (props.EventPattern === undefined && props.ScheduleExpression === undefined) throw new InvalidEventRuleError(`${label}: a rule needs an EventPattern or a ScheduleExpression`);
  const busName = busNameOf(props.EventBusName);
  if (props.ScheduleExpression !== undefined && busName !== 'default') throw new InvalidEventRuleError(`${label}: ScheduleExpression is supported only on the default event bus`);
  const pattern = props.EventPattern === undefined ? undefined : compileEventPattern(props.EventPattern, label);
  let schedule: Schedule | undefined;
  if (props.ScheduleExpression !== undefined) {
    schedule = parseScheduleExpression(text(props.ScheduleExpression));
  }
  const state = props.State === 'DISABLED' ? 'DISABLED' : 'ENABLED';
  const targets = (props.Targets ?? []).map((target, i): RuleTarget => {
    const arn = text(target.Arn);
    const id = text(target.Id, `Target${i}`);
    const transformer = target.InputTransformer;
    const input: TargetInputSpec = {
      ...(target.Input !== undefined && { input: typeof target.Input === 'string' ? target.Input : JSON.stringify(target.Input) }),
      ...(target.InputPath !== undefined && { inputPath: text(target.InputPath) }),
      ...(transformer !== undefined && {
        inputTransformer: {
          inputTemplate: text(transformer.InputTemplate),
          ...(transformer.InputPathsMap !== undefined && { inputPathsMap: transformer.InputPathsMap }),
        },
      }),
    };
    validateTargetInput(input, `${label} target ${id}`);
    return { id, arn, kind: targetKindOf(arn), input };
  });
  return {
    name: resolver.physicalName(stack, resource.logicalId),
    arn: String(resolver.attributeOf(stack, resource.logicalId, 'Arn')),
    busName,
    state,
    ...(pattern && { pattern }),
    ...(schedule && { schedule }),
    targets,
    ...(resource.path !== undefined && { path: resource.path }),
  };
}

function scheduleOf(stack: AssemblyStack, resource: TemplateResource, resolver: RuleResolver, label: string): SchedulerSchedule {
  const props = resolver.resolve(stack, resource.properties) as {
    GroupName?: unknown;
    ScheduleExpression?: unknown;
    ScheduleExpressionTimezone?: unknown;
    FlexibleTimeWindow?: { Mode?: unknown };
    State?: unknown;
    StartDate?: unknown;
    EndDate?: unknown;
    Target?: { Arn?: unknown; Input?: unknown };
  };
  const timezone = typeof props.ScheduleExpressionTimezone === 'string' ? props.ScheduleExpressionTimezone : 'UTC';
  const schedule = parseScheduleExpression(text(props.ScheduleExpression), { allowAt: true, timezone });
  const mode = props.FlexibleTimeWindow?.Mode;
  if (mode !== 'OFF' && mode !== 'FLEXIBLE') throw new InvalidEventRuleError(`${label}: FlexibleTimeWindow.Mode must be OFF or FLEXIBLE`);
  const arn = text(props.Target?.Arn);
  if (!arn) throw new InvalidEventRuleError(`${label}: Target.Arn is required`);
  const date = (value: unknown, name: string) => {
    if (value === undefined) return undefined;
    const time = new Date(text(value)).getTime();
    if (Number.isNaN(time)) throw new InvalidEventRuleError(`${label}: ${name} is not a date`);
    return time;
  };
  const startDate = date(props.StartDate, 'StartDate');
  const endDate = date(props.EndDate, 'EndDate');
  const name = resolver.physicalName(stack, resource.logicalId);
  const groupName = typeof props.GroupName === 'string' && props.GroupName ? props.GroupName : 'default';
  const input = props.Target?.Input;
  return {
    name,
    groupName,
    arn: `arn:${resolver.env.partition ?? 'aws'}:scheduler:${resolver.env.region}:${resolver.env.accountId}:schedule/${groupName}/${name}`,
    schedule,
    timezone,
    state: props.State === 'DISABLED' ? 'DISABLED' : 'ENABLED',
    flexibleTimeWindow: mode,
    ...(startDate !== undefined && { startDate }),
    ...(endDate !== undefined && { endDate }),
    target: { arn, kind: targetKindOf(arn), ...(input !== undefined && { input: typeof input === 'string' ? input : JSON.stringify(input) }) },
    ...(resource.path !== undefined && { path: resource.path }),
  };
}
