/**
 * A local stand-in for the CodeDeploy deployment an alias's `UpdatePolicy.CodeDeployLambdaAliasUpdate`
 * requests when CloudFormation updates the alias to a new version.
 *
 * Design (the smallest that fits the runtime): the runtime has one {@link LocalFunction} per
 * template function, which already routes an alias's invocations by its weights. A deployment
 * 1. publishes a new version of that function from the given bundle and variables
 *    ({@link LocalFunction.publishVersion}), as the stack update publishes a new `AWS::Lambda::Version`;
 * 2. reads the alias's deployment group from the template: its deployment configuration (a
 *    predefined `CodeDeployDefault.Lambda*` or an `AWS::CodeDeploy::DeploymentConfig`), its
 *    alarms (`AWS::CloudWatch::Alarm`s, with `Fn::GetAtt <Version>.Version` now meaning the new
 *    version, as after the update) and its auto-rollback events;
 * 3. shifts the alias's `AdditionalVersionWeights` step by step on the runtime's clock (virtual
 *    time: the real intervals, instantly when nothing is in flight), evaluating the alarms every
 *    minute from the function's recorded invocations ({@link evaluateAlarm});
 * 4. on ALARM, stops and (with `DEPLOYMENT_STOP_ON_ALARM` in the auto-rollback events) points the
 *    alias back at the old version with no weights; otherwise ends with the alias on the new version.
 *
 * Follows the CodeDeploy User Guide: "Deployment configurations on an AWS Lambda compute platform"
 * (canary: the percentage for the interval, then the rest; linear: equal increments every
 * interval; all at once) and "Monitoring deployments with CloudWatch alarms in CodeDeploy" (a
 * deployment stops when an alarm of its group is in ALARM, and rolls back when configured to).
 * Not emulated: lifecycle hooks (`BeforeAllowTraffic`/`AfterAllowTraffic`) and provisioned concurrency.
 */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Clock } from '@order-flow/step-functions';
import type { AssemblyStack, TemplateResource } from '../cloudformation/assembly.js';
import type { AssemblyResolver } from '../cloudformation/resolver.js';
import { evaluateAlarm, parseAlarm, type AlarmDefinition } from '../cloudwatch/alarms.js';
import type { InvocationRecord, LocalFunction } from '../lambda/function.js';

/** How traffic moves to the new version. */
export interface TrafficRouting {
  readonly type: 'AllAtOnce' | 'TimeBasedCanary' | 'TimeBasedLinear';
  /** Percentage moved per step (the canary's, or each linear increment). */
  readonly percentage: number;
  /** Minutes between steps. */
  readonly intervalMinutes: number;
}

/** What a deployment runs: the new version's bundle and variables. */
export interface DeploymentChange {
  /** A folder with the function's handler module (a patched build). @default - the template's bundle */
  readonly codeDirectory?: string;
  /** Variables set or replaced in the new version's environment. @default - none */
  readonly environment?: Readonly<Record<string, string>>;
}

/** Overrides of the deployment group for one deployment. */
export interface DeploymentOverrides {
  /**
   * Alarm names watched instead of the group's (`[]`: none), as after
   * `aws deploy update-deployment-group --alarm-configuration`.
   * @default - the group's AlarmConfiguration
   */
  readonly alarms?: readonly string[];
}

/** How a deployment ended. */
export interface DeploymentResult {
  /** `Succeeded`: the alias is on the new version; `Stopped`: an alarm stopped it. */
  readonly status: 'Succeeded' | 'Stopped';
  /** The alias is back on the old version. */
  readonly rolledBack: boolean;
  readonly fromVersion: string;
  readonly toVersion: string;
  readonly routing: TrafficRouting;
  /** The alarm that stopped the deployment, with CloudWatch's reason. */
  readonly alarm?: { readonly name: string; readonly reason: string };
  /** What happened, on the runtime's clock. */
  readonly events: readonly { readonly at: number; readonly message: string }[];
  /** Invocations of the alias during the deployment, by the version that ran (throttles not counted). */
  readonly invocationsByVersion: Readonly<Record<string, { readonly invocations: number; readonly errors: number }>>;
}

/** A deployment in progress. */
export interface LocalDeployment {
  readonly fromVersion: string;
  readonly toVersion: string;
  /** Settles when the deployment succeeded or stopped. */
  readonly done: Promise<DeploymentResult>;
}

const PREDEFINED = /^CodeDeployDefault\.Lambda(?:(AllAtOnce)|Canary(\d+)Percent(\d+)Minutes?|Linear(\d+)PercentEvery(\d+)Minutes?)$/;
const MINUTE = 60_000;

/**
 * Reads a deployment configuration name: a predefined `CodeDeployDefault.Lambda*` or a custom
 * `AWS::CodeDeploy::DeploymentConfig` of the stack (by its resolved name).
 * @throws Error naming the configuration when it is neither
 */
export function trafficRoutingOf(name: string, customs: ReadonlyMap<string, Record<string, unknown>>): TrafficRouting {
  const match = PREDEFINED.exec(name);
  if (match) {
    if (match[1]) return { type: 'AllAtOnce', percentage: 100, intervalMinutes: 0 };
    if (match[2]) return { type: 'TimeBasedCanary', percentage: Number(match[2]), intervalMinutes: Number(match[3]) };
    return { type: 'TimeBasedLinear', percentage: Number(match[4]), intervalMinutes: Number(match[5]) };
  }
  const custom = customs.get(name)?.TrafficRoutingConfig as
    | { Type?: string; TimeBasedCanary?: { CanaryPercentage: number; CanaryInterval: number }; TimeBasedLinear?: { LinearPercentage: number; LinearInterval: number } }
    | undefined;
  if (custom?.Type === 'TimeBasedCanary' && custom.TimeBasedCanary) return { type: 'TimeBasedCanary', percentage: Number(custom.TimeBasedCanary.CanaryPercentage), intervalMinutes: Number(custom.TimeBasedCanary.CanaryInterval) };
  if (custom?.Type === 'TimeBasedLinear' && custom.TimeBasedLinear) return { type: 'TimeBasedLinear', percentage: Number(custom.TimeBasedLinear.LinearPercentage), intervalMinutes: Number(custom.TimeBasedLinear.LinearInterval) };
  if (custom?.Type === 'AllAtOnce' || (custom && !custom.Type)) return { type: 'AllAtOnce', percentage: 100, intervalMinutes: 0 };
  throw new Error(`CodeDeploy: DeploymentConfigName '${name}' is neither a predefined CodeDeployDefault.Lambda* configuration nor an AWS::CodeDeploy::DeploymentConfig of the stack`);
}

/** The traffic steps of a routing: `[percentage of the new version, minutes]`, before the final 100%. */
export function trafficSteps(routing: TrafficRouting): [number, number][] {
  if (routing.type === 'AllAtOnce') return [];
  if (routing.type === 'TimeBasedCanary') return [[routing.percentage, routing.intervalMinutes]];
  const steps: [number, number][] = [];
  for (let share = routing.percentage; share < 100; share += routing.percentage) steps.push([share, routing.intervalMinutes]);
  return steps;
}

/** Everything a deployment reads from the template and the runtime. */
export interface DeploymentTarget {
  readonly resolver: AssemblyResolver;
  readonly stack: AssemblyStack;
  readonly alias: TemplateResource;
  readonly fn: LocalFunction;
  readonly clock: Clock;
}

/**
 * Starts the deployment of a new version of `target.fn` through `target.alias` (see the module
 * comment for the whole design).
 * @throws Error naming the field when the alias, its group, its configuration or an alarm cannot
 *   be read, or when `change.codeDirectory` has no handler module
 */
export function startDeployment(target: DeploymentTarget, change: DeploymentChange = {}, overrides: DeploymentOverrides = {}): LocalDeployment {
  const { resolver, stack, alias, fn, clock } = target;
  const aliasName = String(resolver.resolve(stack, alias.properties.Name));
  const fromVersion = fn.alias(aliasName).version;
  const group = deploymentGroupOf(stack, alias);
  const groupProps = group ? (resolver.resolve(stack, group.properties) as GroupProperties) : undefined;
  if (groupProps && typeof groupProps.DeploymentConfigName !== 'string') {
    throw new Error(`CodeDeploy: deployment group ${group!.path ?? group!.logicalId} needs a DeploymentConfigName (a CodeDeployDefault.Lambda* name or an AWS::CodeDeploy::DeploymentConfig) to run locally`);
  }
  // No deployment group: CloudFormation updates the alias directly, all at once.
  const routing = groupProps ? trafficRoutingOf(groupProps.DeploymentConfigName as string, customConfigs(resolver, stack)) : { type: 'AllAtOnce' as const, percentage: 100, intervalMinutes: 0 };
  const rollbackEvents = groupProps?.AutoRollbackConfiguration?.Enabled ? (groupProps.AutoRollbackConfiguration.Events ?? []) : [];

  const code = change.codeDirectory === undefined ? undefined : codeIn(fn, change.codeDirectory);
  const toVersion = fn.publishVersion({ ...(code && { code }), ...(change.environment && { environment: change.environment }) });
  // The template's alarms as they read after the update: its Version resource is the new version.
  const versionId = versionLogicalIdOf(alias);
  const alarmNames = overrides.alarms ?? (groupProps?.AlarmConfiguration?.Enabled === false ? [] : (groupProps?.AlarmConfiguration?.Alarms ?? []).map((alarm) => String(alarm.Name)));
  const alarms = alarmNames.map((name) => alarmNamed(resolver, stack, name, versionId, toVersion));

  const records: InvocationRecord[] = [];
  const stopObserving = fn.observe((record) => {
    if (record.qualifier === aliasName) records.push(record);
  });
  const events: { at: number; message: string }[] = [];
  const log = (message: string) => events.push({ at: clock.now(), message });

  const run = async (): Promise<Omit<DeploymentResult, 'events' | 'invocationsByVersion' | 'fromVersion' | 'toVersion' | 'routing'>> => {
    log(`Deployment of version ${toVersion} started (${routing.type}${routing.type === 'AllAtOnce' ? '' : ` ${routing.percentage}% / ${routing.intervalMinutes} min`}), from version ${fromVersion}`);
    const inAlarm = () => {
      for (const alarm of alarms) {
        const evaluation = evaluateAlarm(alarm, records, fn.config.name, clock.now());
        if (evaluation.state === 'ALARM') return { name: alarm.name, reason: evaluation.reason };
      }
      return undefined;
    };
    const stop = (alarm: { name: string; reason: string }) => {
      const rollback = rollbackEvents.includes('DEPLOYMENT_STOP_ON_ALARM');
      if (rollback) fn.updateAlias(aliasName, { version: fromVersion });
      log(`Alarm ${alarm.name} in ALARM (${alarm.reason}): deployment stopped${rollback ? `, alias rolled back to version ${fromVersion}` : ', no automatic rollback configured'}`);
      return { status: 'Stopped' as const, rolledBack: rollback, alarm };
    };
    for (const [share, minutes] of trafficSteps(routing)) {
      fn.updateAlias(aliasName, { version: fromVersion, additionalVersionWeights: { [toVersion]: share / 100 } });
      log(`${share}% of traffic on version ${toVersion}`);
      for (let minute = 0; minute < minutes; minute++) {
        await clock.sleep(MINUTE);
        const alarm = inAlarm();
        if (alarm) return stop(alarm);
      }
    }
    const alarm = inAlarm();
    if (alarm) return stop(alarm);
    fn.updateAlias(aliasName, { version: toVersion });
    log(`100% of traffic on version ${toVersion}: deployment succeeded`);
    return { status: 'Succeeded' as const, rolledBack: false };
  };

  const done = run().then(
    (outcome) => {
      stopObserving();
      const invocationsByVersion: Record<string, { invocations: number; errors: number }> = {};
      for (const record of records) {
        if (record.version === undefined) continue;
        const entry = (invocationsByVersion[record.version] ??= { invocations: 0, errors: 0 });
        entry.invocations++;
        if (record.outcome === 'error') entry.errors++;
      }
      return { ...outcome, fromVersion, toVersion, routing, events, invocationsByVersion };
    },
    (error: unknown) => {
      stopObserving();
      throw error;
    },
  );
  return { fromVersion, toVersion, done };
}

interface GroupProperties {
  DeploymentConfigName?: unknown;
  AlarmConfiguration?: { Enabled?: boolean; Alarms?: { Name: unknown }[] };
  AutoRollbackConfiguration?: { Enabled?: boolean; Events?: string[] };
}

/** The `AWS::CodeDeploy::DeploymentGroup` the alias's `UpdatePolicy.CodeDeployLambdaAliasUpdate` names, if any. */
function deploymentGroupOf(stack: AssemblyStack, alias: TemplateResource): TemplateResource | undefined {
  const policy = stack.template.Resources?.[alias.logicalId]?.UpdatePolicy?.CodeDeployLambdaAliasUpdate as { DeploymentGroupName?: unknown } | undefined;
  if (!policy) return undefined;
  const ref = (policy.DeploymentGroupName as { Ref?: unknown } | undefined)?.Ref;
  const group = typeof ref === 'string' ? stack.resources.get(ref) : [...stack.resources.values()].find((r) => r.type === 'AWS::CodeDeploy::DeploymentGroup' && r.properties.DeploymentGroupName === policy.DeploymentGroupName);
  if (!group) throw new Error(`CodeDeploy: the UpdatePolicy of alias ${alias.path ?? alias.logicalId} names deployment group ${JSON.stringify(policy.DeploymentGroupName)}, which is not in stack ${stack.stackName}`);
  return group;
}

function customConfigs(resolver: AssemblyResolver, stack: AssemblyStack): Map<string, Record<string, unknown>> {
  const configs = new Map<string, Record<string, unknown>>();
  for (const resource of stack.resources.values()) {
    if (resource.type !== 'AWS::CodeDeploy::DeploymentConfig') continue;
    configs.set(String(resolver.refOf(stack, resource.logicalId)), resolver.resolve(stack, resource.properties) as Record<string, unknown>);
  }
  return configs;
}

/** The logical id of the `AWS::Lambda::Version` the alias's `FunctionVersion` reads, if it reads one. */
function versionLogicalIdOf(alias: TemplateResource): string | undefined {
  const getAtt = (alias.properties.FunctionVersion as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
  return Array.isArray(getAtt) && getAtt[1] === 'Version' ? String(getAtt[0]) : undefined;
}

/** Replaces `Fn::GetAtt [versionId, Version]` with `version` anywhere in a raw template value. */
function withVersion(value: unknown, versionId: string | undefined, version: string): unknown {
  if (versionId === undefined || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => withVersion(item, versionId, version));
  const getAtt = (value as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[0] === versionId && getAtt[1] === 'Version') return version;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withVersion(item, versionId, version)]));
}

function alarmNamed(resolver: AssemblyResolver, stack: AssemblyStack, name: string, versionId: string | undefined, version: string): AlarmDefinition {
  const resource = [...stack.resources.values()].find((r) => r.type === 'AWS::CloudWatch::Alarm' && String(resolver.refOf(stack, r.logicalId)) === name);
  if (!resource) throw new Error(`CodeDeploy: alarm '${name}' of the deployment group is not an AWS::CloudWatch::Alarm of stack ${stack.stackName}`);
  return parseAlarm(name, resolver.resolve(stack, withVersion(resource.properties, versionId, version)) as Record<string, unknown>);
}

/** The handler module of `fn` in another bundle folder. */
function codeIn(fn: LocalFunction, directory: string) {
  const { code } = fn.config;
  const dir = resolve(directory);
  const file = join(dir, relative(code.directory, code.file));
  if (!existsSync(file)) throw new Error(`CodeDeploy: codeDirectory ${dir} has no ${relative(code.directory, code.file)} (the handler module of ${fn.config.name})`);
  return { directory: dir, file, exportPath: code.exportPath };
}
