import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, ListRulesCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '@order-flow/local';
import { LocalEventBridge, eventBusNamesFromAssembly } from '@order-flow/local/eventbridge';
import { EVENTS_PUT_EVENTS_RESOURCE, putEventsIntegration } from '@order-flow/local/stepfunctions';
import { StepFunctionsEngine, VirtualClock } from '@order-flow/step-functions';
import { PortInUseError } from '@order-flow/local';
import { loadHttpApp, synthHttpApp } from '../app/http-app.ts';

describe('EventBridge JSON protocol handler with the real AWS SDK', () => {
  const bridge = new LocalEventBridge({ eventBuses: ['orders-bus'] });
  let server: Server;
  let client: EventBridgeClient;

  beforeAll(async () => {
    server = createServer(bridge.requestHandler());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    client = new EventBridgeClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
  });
  afterAll(async () => {
    client?.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('puts events through PutEventsCommand and records them', async () => {
    const time = new Date('2026-01-02T03:04:05Z');
    const response = await client.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'orders', DetailType: 'OrderConfirmed', Detail: JSON.stringify({ orderId: 'o-1' }), EventBusName: 'orders-bus', Time: time },
          { Source: 'orders', DetailType: 'OrderConfirmed', Detail: 'nope' },
        ],
      }),
    );
    const [recorded] = bridge.recorder.list({ busName: 'orders-bus', detailType: 'OrderConfirmed' });
    expect(response.FailedEntryCount).toBe(1);
    expect(response.Entries).toEqual([{ EventId: recorded!.event.id }, { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' }]);
    expect(recorded!.event).toMatchObject({ source: 'orders', time: '2026-01-02T03:04:05Z', detail: { orderId: 'o-1' } });
  });

  it('reports request-level errors as ValidationException', async () => {
    const entries = Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'T', Detail: '{}' }));
    await expect(client.send(new PutEventsCommand({ Entries: entries }))).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
  });

  it('answers other operations with UnknownOperationException', async () => {
    await expect(client.send(new ListRulesCommand({}))).rejects.toMatchObject({ name: 'UnknownOperationException' });
  });

  it('listens on its own port and reports a taken one as PortInUseError', async () => {
    const endpoint = await bridge.listen();
    try {
      await expect(bridge.listen(endpoint.port)).rejects.toBeInstanceOf(PortInUseError);
      const own = new EventBridgeClient({ endpoint: endpoint.endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
      const response = await own.send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'Ping', Detail: '{}' }] }));
      own.destroy();
      expect(response.FailedEntryCount).toBe(0);
    } finally {
      await endpoint.close();
    }
  });
});

describe('EventBridge from a synthesized app', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'eventbridge-assembly-'));
  let app: ReturnType<typeof loadHttpApp>;
  beforeAll(() => {
    synthHttpApp(outdir);
    app = loadHttpApp(outdir);
  });
  afterAll(async () => {
    await app?.stop();
    rmSync(outdir, { recursive: true, force: true });
  });

  it("lists the template's event buses by their resolved names", () => {
    const { assembly, resolver } = app;
    const names = eventBusNamesFromAssembly(assembly.stacks, resolver);
    expect(names).toHaveLength(2);
    expect(names[0]).toBe('orders-bus');
    expect(names[1]).toMatch(/OtherBus/);
  });

  it("runs CDK's EventBridgePutEvents task through the putEvents integration", async () => {
    const { assembly, resolver } = app;
    const stack = assembly.stacks[0]!;
    const machine = [...stack.resources.values()].find((r) => r.type === 'AWS::StepFunctions::StateMachine')!;
    const definition = JSON.parse(resolver.resolve(stack, machine.properties.DefinitionString) as string) as Record<string, unknown>;
    const bridge = new LocalEventBridge({ eventBuses: eventBusNamesFromAssembly(assembly.stacks, resolver) });
    const engine = new StepFunctionsEngine({ clock: new VirtualClock(), accountId: '000000000000', integrations: { [EVENTS_PUT_EVENTS_RESOURCE]: putEventsIntegration((request) => bridge.putEvents(request)) } });
    const { stateMachineArn } = engine.createStateMachine({ name: 'Notify', definition });
    const { executionArn } = engine.startExecution({ stateMachineArn, input: JSON.stringify({ orderId: 'o-7', total: 1250 }), name: 'run-7' });

    const result = await engine.waitForExecution(executionArn);

    expect(result.status).toBe('SUCCEEDED');
    const [recorded] = bridge.recorder.list({ busName: 'orders-bus' });
    expect(recorded!.event).toMatchObject({
      source: 'test.orders',
      'detail-type': 'OrderConfirmed',
      detail: { orderId: 'o-7', total: 1250 },
      resources: ['arn:aws:states:us-east-1:000000000000:stateMachine:Notify', 'arn:aws:states:us-east-1:000000000000:execution:Notify:run-7'],
    });
    expect((result.output as { published: unknown }).published).toEqual({ Entries: [{ EventId: recorded!.event.id }], FailedEntryCount: 0 });
  });
});
