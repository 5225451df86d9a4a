/**
 * EventBridge as a bus in the local runtime, on a synthesized CDK app (tests/app/events-app.ts):
 * PutEvents through the runtime's EventBridge endpoint (the AWS SDK), rules matched by pattern,
 * a Lambda target receiving the InputTransformer's output, a state machine target starting an
 * execution, a disabled rule and a non-matching event delivering nothing, and a rate(5 minutes)
 * rule firing 12 times in a virtual hour.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LocalRuntime, ReservedPort } from '@order-flow/local';
import { ORDERS_BUS, synthEventsApp } from '../app/events-app.ts';

describe('EventBridge rules, targets and schedules in the local runtime', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'events-assembly-'));
  let runtime: LocalRuntime;
  let client: EventBridgeClient;
  let startedWall: number;

  beforeAll(async () => {
    synthEventsApp(outdir);
    // Bound now and handed over: the client needs the port before the runtime serves it.
    const port = await ReservedPort.bind(0, 'EventBridge API');
    runtime = await LocalRuntime.start({ assemblyDir: outdir, clock: 'virtual', eventBridgePort: port });
    startedWall = Date.now();
    client = new EventBridgeClient({ endpoint: `http://127.0.0.1:${port.port}`, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  }, 180_000);
  afterAll(async () => {
    client?.destroy();
    await runtime?.stop();
    rmSync(outdir, { recursive: true, force: true });
  });

  const ruleNamed = (fragment: string) => runtime.eventBridge.rules.find((rule) => rule.path?.includes(`/${fragment}/`))!;

  it('reads the rules of the assembly', () => {
    expect(runtime.eventBridge.rules.map((rule) => [rule.path?.split('/')[1], rule.busName, rule.state, rule.schedule?.expression ?? null])).toEqual([
      ['BigOrders', ORDERS_BUS, 'ENABLED', null],
      ['ToFlow', ORDERS_BUS, 'ENABLED', null],
      ['Disabled', ORDERS_BUS, 'DISABLED', null],
      ['Tick', 'default', 'ENABLED', 'rate(5 minutes)'],
    ]);
  });

  it('routes a matching event to the Lambda target with the transformed input', async () => {
    const response = await client.send(
      new PutEventsCommand({ Entries: [{ Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify({ orderId: 'o-1', total: 250, channel: 'store' }), EventBusName: ORDERS_BUS }] }),
    );
    const eventId = response.Entries![0]!.EventId!;
    await runtime.eventBridge.idle();
    const rule = ruleNamed('BigOrders');
    const [delivery] = runtime.eventBridge.deliveries({ eventId });
    expect(runtime.eventBridge.deliveries({ eventId })).toHaveLength(1);
    expect(delivery).toMatchObject({ rule: rule.name, targetKind: 'lambda', status: 'succeeded', input: { orderId: 'o-1', note: 'big order o-1', total: 250 } });
    // The function (the chaos fixture) echoes what it got.
    expect(delivery!.result).toEqual({ echo: { orderId: 'o-1', note: 'big order o-1', total: 250 } });
    expect(runtime.events.list({ busName: ORDERS_BUS }).find((r) => r.event.id === eventId)?.matchedRules).toEqual([rule.name]);
  });

  it('routes a non-matching event nowhere (negative control), and a disabled rule never fires', async () => {
    const response = await client.send(
      new PutEventsCommand({ Entries: [{ Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify({ orderId: 'o-2', total: 5, channel: 'store' }), EventBusName: ORDERS_BUS }] }),
    );
    const eventId = response.Entries![0]!.EventId!;
    await runtime.eventBridge.idle();
    expect(runtime.eventBridge.deliveries({ eventId })).toEqual([]);
    expect(runtime.events.list({ busName: ORDERS_BUS }).find((r) => r.event.id === eventId)?.matchedRules).toEqual([]);
    expect(runtime.eventBridge.deliveries({ rule: ruleNamed('Disabled').name })).toEqual([]);
  });

  it('starts a state machine execution with the InputPath part of the event', async () => {
    const response = runtime.eventBridge.putEvents({ Entries: [{ Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: { orderId: 'o-3', total: 1, channel: 'web-shop' }, EventBusName: ORDERS_BUS }] });
    const eventId = (response.Entries[0] as { EventId: string }).EventId;
    const [delivery] = runtime.eventBridge.deliveries({ eventId });
    expect(delivery).toMatchObject({ rule: ruleNamed('ToFlow').name, targetKind: 'stepfunctions', status: 'succeeded' });
    const result = await runtime.waitForExecution(delivery!.executionArn!);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ accepted: 'o-3' });
    // "EventBridge events for Step Functions": RUNNING and SUCCEEDED status changes on the default bus.
    const changes = runtime.events
      .list({ busName: 'default' })
      .filter(({ event }) => event.source === 'aws.states' && (event.detail as { executionArn?: string }).executionArn === delivery!.executionArn);
    expect(changes.map(({ event }) => [event['detail-type'], (event.detail as { status: string }).status])).toEqual([
      ['Step Functions Execution Status Change', 'RUNNING'],
      ['Step Functions Execution Status Change', 'SUCCEEDED'],
    ]);
  });

  it('fires the rate(5 minutes) rule 12 times in one virtual hour', async () => {
    const tick = ruleNamed('Tick');
    const scheduled = () => runtime.events.list({ detailType: 'Scheduled Event' });
    // The schedule counts from the runtime's start; its first event is 5 minutes after.
    while (scheduled().length === 0) await runtime.clock.sleep(60_000);
    const origin = Date.parse(scheduled()[0]!.event.time) - 5 * 60_000;
    while (runtime.clock.now() <= origin + 3_600_000) await runtime.clock.sleep(60_000);
    await runtime.eventBridge.idle();
    const inHour = scheduled().filter((r) => Date.parse(r.event.time) <= origin + 3_600_000);
    expect(inHour).toHaveLength(12);
    expect(inHour.map((r) => Date.parse(r.event.time) - origin)).toEqual(Array.from({ length: 12 }, (_, i) => (i + 1) * 5 * 60_000));
    expect(inHour[0]!.event).toMatchObject({ source: 'aws.events', 'detail-type': 'Scheduled Event', resources: [tick.arn], detail: {} });
    const deliveries = runtime.eventBridge.deliveries({ rule: tick.name }).filter((d) => inHour.some((r) => r.event.id === d.eventId));
    expect(deliveries).toHaveLength(12);
    expect(deliveries.every((d) => d.status === 'succeeded')).toBe(true);
    // A virtual hour of real Lambda invocations, in a few seconds of wall time at most.
    expect(Date.now() - startedWall).toBeLessThan(15_000);
  });
});
