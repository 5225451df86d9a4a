import { App, Duration, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { OrderWorkflow } from '../../src/order-workflow.js';
import { OrderWorkflowStack } from '../../src/order-workflow-stack.js';
import { InventoryStep } from '@order-flow/inventory';
import { addTimeoutBudgetCheck, timeoutBudgetOf } from '../../src/timeout-budget.js';

interface AslState {
  Type: string;
  Next?: string;
  End?: boolean;
  Error?: string;
  Retry?: { ErrorEquals: string[]; MaxAttempts?: number; BackoffRate?: number; JitterStrategy?: string }[];
  Catch?: { ErrorEquals: string[]; Next: string; ResultPath?: string }[];
}

function synth(): { template: Template; states: Record<string, AslState> } {
  const app = new App();
  const stack = new OrderWorkflowStack(app, 'Test');
  const template = Template.fromStack(stack);
  const [sm] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  // The definition is an Fn::Join of JSON text and tokens (function ARNs): stand the tokens in
  // with a placeholder string to read the state graph.
  const parts = (sm!.Properties.DefinitionString['Fn::Join'] as [string, unknown[]])[1];
  const json = parts.map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('');
  return { template, states: (JSON.parse(json) as { States: Record<string, AslState> }).States };
}

describe('OrderWorkflowStack', () => {
  const { template, states } = synth();
  /** Asserts that each state of `path` goes `Next` to the one after it. */
  const expectPath = (...path: string[]) => {
    for (const [i, name] of path.slice(0, -1).entries()) expect(states[name]?.Next, `${name}.Next`).toBe(path[i + 1]);
  };

  it('creates three Standard state machines (the workflow, the settlement, the reconciliation), each with logging and tracing', () => {
    const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(machines).toHaveLength(3);
    for (const machine of machines) {
      // StateMachineType is STANDARD when the template leaves it out.
      expect(machine.Properties.StateMachineType ?? 'STANDARD').toBe('STANDARD');
      expect(machine.Properties).toMatchObject({
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: expect.objectContaining({ Level: 'ALL', IncludeExecutionData: false }),
      });
    }
  });

  it('runs every function on nodejs24.x arm64', () => {
    const fns = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(fns.length).toBeGreaterThanOrEqual(3);
    for (const fn of fns) {
      if (String(fn.Properties.Handler) !== 'index.handler') continue;
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    }
  });

  it('follows reserve -> pay -> confirm', () => {
    expectPath('CreateOrder', 'ReserveInventory', 'ProcessPayment', 'ConfirmOrder', 'PublishOrderConfirmed', 'OrderConfirmed');
    expect(states.OrderConfirmed!.Type).toBe('Succeed');
  });

  it('ends every failure in a Fail state named and typed by its reason', () => {
    for (const reason of ['OUT_OF_STOCK', 'UNKNOWN_SKU', 'PAYMENT_DECLINED', 'PAYMENT_ERROR', 'INTERNAL_ERROR']) {
      expect(states[reason]).toMatchObject({ Type: 'Fail', Error: reason });
    }
  });

  it('routes each error to its compensation', () => {
    const catchOf = (state: string) => Object.fromEntries(states[state]!.Catch!.map((c) => [c.ErrorEquals.join(','), c.Next]));
    expect(catchOf('ReserveInventory')).toEqual({
      OutOfStock: 'MarkOutOfStock',
      UnknownSku: 'MarkUnknownSku',
      'States.ALL': 'CheckOrderAfterReserveError',
    });
    expect(catchOf('ProcessPayment')).toEqual({ PaymentDeclined: 'ReleaseAfterDecline', 'States.ALL': 'CheckOrderAfterPaymentError' });
    // Before an error path gives stock or money back, the order is read: one CONFIRMED by another
    // execution of the same orderId (Express's at-least-once re-run) keeps both.
    for (const after of ['ReserveError', 'PaymentError']) {
      expect(states[`CheckOrderAfter${after}`]).toMatchObject({ Type: 'Task', Resource: expect.stringContaining('dynamodb:getItem'), Next: `ConfirmedBefore${after}Compensation` });
      expect(states[`CheckOrderAfter${after}`]!.Catch).toBeUndefined();
      const choice = states[`ConfirmedBefore${after}Compensation`] as unknown as { Choices: { StringEquals: string; Next: string }[]; Default: string };
      expect(choice.Choices).toEqual([expect.objectContaining({ Variable: '$.orderCheck.status', StringEquals: 'CONFIRMED', Next: 'ConfirmedByAnotherExecution' })]);
    }
    expect(states['ConfirmedBeforeReserveErrorCompensation']).toMatchObject({ Default: 'ReleaseAfterReserveError' });
    expect(states['ConfirmedBeforePaymentErrorCompensation']).toMatchObject({ Default: 'RefundAfterPaymentError' });
    expect(states.ConfirmedByAnotherExecution).toMatchObject({ Type: 'Succeed' });
    // A failed confirm is read back first: a confirm that landed stands, only a PENDING order is compensated.
    expect(catchOf('ConfirmOrder')).toEqual({ 'States.ALL': 'CheckConfirmed' });
    expectPath('CheckConfirmed', 'ConfirmedAfterAll');
    expect(states.CheckConfirmed!.Catch).toBeUndefined();
    expectPath('ConfirmOrderAfterAll', 'PublishOrderConfirmed');
    expectPath('RefundAfterConfirmError', 'ReleaseAfterConfirmError', 'MarkConfirmError', 'PublishConfirmError', 'INTERNAL_ERROR');
    expectPath('ReleaseAfterDecline', 'MarkPaymentDeclined', 'PublishPaymentDeclined', 'PAYMENT_DECLINED');
  });

  it('retries transient gateway errors with backoff and full jitter, never declines', () => {
    const retries = states.ProcessPayment!.Retry!;
    const gateway = retries.find((r) => r.ErrorEquals.includes('PaymentGatewayUnavailable'));
    expect(gateway).toMatchObject({ BackoffRate: 2, JitterStrategy: 'FULL' });
    expect(gateway!.MaxAttempts).toBeGreaterThanOrEqual(3);
    expect(retries.some((r) => r.ErrorEquals.includes('PaymentDeclined'))).toBe(false);
    // Lambda service exceptions stay retried (CDK's LambdaInvoke default).
    expect(retries.some((r) => r.ErrorEquals.includes('Lambda.ServiceException'))).toBe(true);
  });

  it('publishes exactly one order event on every terminal path, to the app\'s bus', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    const publishers = Object.entries(states).filter(([, s]) => (s as { Resource?: string }).Resource?.endsWith(':events:putEvents'));
    expect(publishers.map(([name]) => name).sort()).toEqual([
      'PublishConfirmError', 'PublishOrderConfirmed', 'PublishOutOfStock', 'PublishPaymentDeclined',
      'PublishPaymentError', 'PublishReserveError', 'PublishUnknownSku',
    ]);
    // Every Fail state is reached only through a publisher.
    for (const [name, state] of Object.entries(states)) {
      if (state.Next && states[state.Next]?.Type === 'Fail') expect(name).toMatch(/^Publish/);
    }
  });

  it('retries every compensation until it succeeds', () => {
    for (const name of ['ReleaseAfterDecline', 'RefundAfterConfirmError', 'MarkOutOfStock', 'MarkConfirmError']) {
      const all = states[name]!.Retry!.find((r) => r.ErrorEquals.includes('States.ALL'));
      expect(all, name).toBeDefined();
      // Retriers are matched in order: a narrower one for Lambda crashes/throttling listed first
      // would give up before the catch-all does (found by tests/reliability).
      // Every transient error's first matching retrier must be the catch-all: CDK's
      // service-exception retrier (6 attempts) listed first was the gap that stranded orders.
      for (const error of ['Lambda.ServiceException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException', 'Runtime.ExitError', 'Sandbox.Timedout', 'States.Timeout']) {
        const first = states[name]!.Retry!.find((r) => r.ErrorEquals.includes(error) || r.ErrorEquals.includes('States.ALL'));
        expect(first!.ErrorEquals, `${name} / ${error}`).toEqual(['States.ALL']);
      }
      expect(all!.MaxAttempts).toBeGreaterThanOrEqual(5);
    }
  });
});

describe('timeout budget (checked at synth)', () => {
  const synthWith = (props: ConstructorParameters<typeof OrderWorkflow>[2]) => {
    const app = new App();
    new OrderWorkflow(new Stack(app, 'Budget'), 'Workflow', props);
    return () => app.synth();
  };

  it('the default timeout covers the worst-case retry budget of every path', () => {
    const app = new App();
    const workflow = new OrderWorkflow(new Stack(app, 'Budget'), 'Workflow');
    const budget = timeoutBudgetOf(workflow.stateMachine);
    expect(budget.unbounded).toEqual([]);
    expect(budget.seconds).toBeGreaterThan(300);
    expect(budget.seconds).toBeLessThanOrEqual(3600);
    expect(() => app.synth()).not.toThrow();
  });

  it('negative control: the old 5-minute timeout fails synthesis, naming the budget and its path', () => {
    expect(synthWith({ timeout: Duration.minutes(5) })).toThrow(/timeout \(300 s\) is shorter than its worst-case retry budget \(\d+ s along CreateOrder -> .*Refund/);
  });

  it('Express ends at 5 minutes whatever the timeout says ("Standard vs. Express Workflows"): its express retry budget fits, every retrier at most one retry', () => {
    const app = new App();
    const workflow = new OrderWorkflow(new Stack(app, 'Budget'), 'Workflow', { stateMachineType: sfn.StateMachineType.EXPRESS });
    const budget = timeoutBudgetOf(workflow.stateMachine);
    expect(budget.unbounded).toEqual([]);
    expect(budget.seconds).toBeLessThanOrEqual(300);
    expect(() => app.synth()).not.toThrow();
    const join = Stack.of(workflow).resolve((workflow.stateMachine.node.defaultChild as sfn.CfnStateMachine).definitionString) as { 'Fn::Join': [string, unknown[]] };
    const text = join['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
    for (const [name, state] of Object.entries((JSON.parse(text) as { States: Record<string, AslState> }).States)) {
      for (const retrier of state.Retry ?? []) expect(retrier.MaxAttempts, name).toBeLessThanOrEqual(1);
    }
  });

  it('negative control: an Express workflow built with the durable retries fails synthesis, naming the budget', () => {
    const app = new App();
    const stack = new Stack(app, 'Budget');
    // The steps' own retries (durable budget), composed into an Express machine by hand.
    const inventory = new InventoryStep(stack, 'Inventory');
    const machine = new sfn.StateMachine(stack, 'Machine', {
      stateMachineType: sfn.StateMachineType.EXPRESS,
      definitionBody: sfn.DefinitionBody.fromChainable(inventory.reserveTask().addCatch(inventory.releaseTask('Release').next(inventory.releaseTask('Release2')).next(inventory.releaseTask('Release3')))),
    });
    addTimeoutBudgetCheck(machine, Duration.minutes(5));
    expect(() => app.synth()).toThrow(/timeout \(300 s\) is shorter than its worst-case retry budget/);
  });
});
