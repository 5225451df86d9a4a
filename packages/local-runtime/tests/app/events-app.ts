/**
 * A tiny CDK app for the EventBridge tests: rules with event patterns on a custom bus (a Lambda
 * target with an InputTransformer, a state machine target with an InputPath), a disabled rule,
 * and a `rate(5 minutes)` scheduled rule.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { fixtureFunction } from './fixture-function.ts';

export const EVENTS_STACK = 'EventsTestStack';
export const ORDERS_BUS = 'orders-bus';

/** Synthesizes the events test app into `outdir` and returns it. */
export function synthEventsApp(outdir: string): string {
  const app = new App({ outdir });
  const stack = new Stack(app, EVENTS_STACK);
  // The chaos fixture answers `{ echo: event }` for any event without a known action.
  const handler = fixtureFunction(stack, 'Handler', 'chaos-fn', { timeout: Duration.seconds(5) });
  const flow = new sfn.StateMachine(stack, 'Flow', {
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Accept', { parameters: { 'accepted.$': '$.orderId' } })),
  });
  const bus = new events.EventBus(stack, 'Orders', { eventBusName: ORDERS_BUS });

  new events.Rule(stack, 'BigOrders', {
    eventBus: bus,
    eventPattern: { source: ['shop.orders'], detailType: ['OrderPlaced'], detail: { total: [{ numeric: ['>=', 100] }] } },
    targets: [
      new targets.LambdaFunction(handler, {
        event: events.RuleTargetInput.fromObject({
          orderId: events.EventField.fromPath('$.detail.orderId'),
          note: `big order ${events.EventField.fromPath('$.detail.orderId')}`,
          total: events.EventField.fromPath('$.detail.total'),
        }),
      }),
    ],
  });
  new events.Rule(stack, 'ToFlow', {
    eventBus: bus,
    eventPattern: { source: ['shop.orders'], detailType: ['OrderPlaced'], detail: { channel: [{ prefix: 'web' }] } },
    targets: [new targets.SfnStateMachine(flow, { input: events.RuleTargetInput.fromEventPath('$.detail') })],
  });
  new events.Rule(stack, 'Disabled', {
    eventBus: bus,
    enabled: false,
    eventPattern: { source: ['shop.orders'] },
    targets: [new targets.LambdaFunction(handler)],
  });
  new events.Rule(stack, 'Tick', {
    schedule: events.Schedule.rate(Duration.minutes(5)),
    targets: [new targets.LambdaFunction(handler)],
  });
  app.synth();
  return outdir;
}
