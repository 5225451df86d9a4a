/** The EventBridge of a running assembly: its buses, rules and schedules, wired to the engine and the functions. */
import type { StepFunctionsEngine } from '@order-flow/step-functions';
import type { AssemblyStack, TemplateResource } from '../cloudformation/assembly.js';
import type { AssemblyResolver } from '../cloudformation/resolver.js';
import { LocalEventBridge, eventBusNamesFromAssembly, type TargetHandlers } from './bus.js';
import { eventRulesFromAssembly } from './rules.js';

/**
 * A bus for every `AWS::Events::EventBus` (and `default`), with the rules and schedules of the
 * active resources. Fails on the assembly alone (an invalid event pattern), before anything starts.
 *
 * @throws InvalidEventRuleError, InvalidEventPatternError, InvalidScheduleExpressionError
 */
export function eventBridgeFromAssembly(active: readonly { readonly stack: AssemblyStack; readonly resource: TemplateResource }[], resolver: AssemblyResolver): LocalEventBridge {
  const bridge = new LocalEventBridge({ eventBuses: eventBusNamesFromAssembly(resolver.assembly.stacks, resolver), accountId: resolver.env.accountId, region: resolver.env.region });
  const { rules, schedules } = eventRulesFromAssembly(active, resolver);
  for (const rule of rules) bridge.addRule(rule);
  for (const schedule of schedules) bridge.addSchedule(schedule);
  return bridge;
}

/**
 * Delivers rule targets through `invokeFunction` and the engine (asynchronously, like AWS),
 * starts the schedules on the engine's clock, and puts "Step Functions Execution Status Change"
 * events on the default bus for Standard executions, as AWS sends them.
 */
export function connectToEngine(bridge: LocalEventBridge, engine: StepFunctionsEngine, invokeFunction: TargetHandlers['invokeFunction']): void {
  bridge.connect({
    clock: engine.clock,
    invokeFunction,
    startExecution: (stateMachineArn, input) => engine.startExecution({ stateMachineArn, input }),
  });
  bridge.startSchedules();
  engine.onExecutionStatusChange((description, type) => {
    if (type === 'STANDARD') bridge.publishExecutionStatusChange(description);
  });
}
