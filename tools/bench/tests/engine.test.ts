import { describe, expect, it } from 'vitest';
import { adaptForAwsLocalStepFunctions, ENGINE_ORDER, happyLambdaResult, ourDriver, passChain, theirDriver, timeRun } from '../src/engine.js';

// Correctness of the engine benchmark's set-up only: speed claims live in `pnpm bench`'s output.

const invoke = 'arn:aws:states:::lambda:invoke';
const fn = 'arn:aws:lambda:us-east-1:123456789012:function:steps';
/** The order workflow's shape: the two constructs aws-local-stepfunctions 3.0.0 gets wrong included. */
const orderLike = {
  StartAt: 'CreateOrder',
  States: {
    CreateOrder: {
      Type: 'Task',
      Resource: invoke,
      Parameters: { FunctionName: fn, Payload: { action: 'create', 'order.$': '$', 'executionName.$': '$$.Execution.Name' } },
      ResultSelector: { order: { 'orderId.$': '$.Payload.orderId', 'items.$': '$.Payload.items', 'currency.$': '$.Payload.currency', payment: { 'token.$': '$.Payload.paymentToken' } } },
      ResultPath: '$',
      Next: 'ReserveInventory',
    },
    ReserveInventory: {
      Type: 'Task',
      Resource: invoke,
      Parameters: { FunctionName: fn, Payload: { action: 'reserve', 'orderId.$': '$.order.orderId', 'items.$': '$.order.items' } },
      ResultSelector: { 'lines.$': '$.Payload.lines', 'total.$': '$.Payload.total' },
      ResultPath: '$.reservation',
      Next: 'ProcessPayment',
    },
    ProcessPayment: {
      Type: 'Task',
      Resource: invoke,
      Parameters: { FunctionName: fn, Payload: { action: 'charge', 'orderId.$': '$.order.orderId', 'amount.$': '$.reservation.total', 'currency.$': '$.order.currency', 'token.$': '$.order.payment.token' } },
      ResultSelector: { 'paymentId.$': '$.Payload.paymentId' },
      ResultPath: '$.payment',
      Next: 'ConfirmOrder',
    },
    ConfirmOrder: {
      Type: 'Task',
      Resource: invoke,
      Parameters: { FunctionName: fn, Payload: { action: 'confirm', 'orderId.$': '$.order.orderId', 'total.$': '$.reservation.total', 'paymentId.$': '$.payment.paymentId', 'causedBy.$': '$$.State.Name' } },
      ResultSelector: { 'orderId.$': '$.Payload.orderId', 'status.$': '$.Payload.status', 'total.$': '$.Payload.total' },
      ResultPath: '$.confirmation',
      Next: 'Publish',
    },
    Publish: { Type: 'Task', Resource: 'arn:aws:states:::events:putEvents', Parameters: { Entries: [{ 'Detail.$': '$.confirmation', DetailType: 'OrderConfirmed', Source: 'bench' }] }, ResultPath: null, Next: 'Done' },
    Done: { Type: 'Succeed', OutputPath: '$.confirmation' },
  },
};
const happyPath = ['CreateOrder', 'ReserveInventory', 'ProcessPayment', 'ConfirmOrder', 'Publish', 'Done'];
const confirmed = { orderId: ENGINE_ORDER.orderId, status: 'CONFIRMED', total: 2500 };

describe('engine benchmark set-up', () => {
  it('chains Pass states, one transition each, on both engines', async () => {
    const chain = passChain(5);
    for (const driver of [ourDriver(chain, { a: 1 }), theirDriver(chain, { a: 1 })]) {
      const run = await driver.run('chain');
      expect([driver.engine, run.status, run.statesEntered, run.output]).toEqual([driver.engine, 'SUCCEEDED', ['P0', 'P1', 'P2', 'P3', 'P4'], { a: 1 }]);
    }
  });

  it('answers the order workflow with happy-path stand-ins on our engine', async () => {
    const run = await ourDriver(orderLike, ENGINE_ORDER).run('ours');
    expect(run).toMatchObject({ status: 'SUCCEEDED', statesEntered: happyPath, output: confirmed });
  });

  it('records that aws-local-stepfunctions cannot run the definition as written, and runs the adapted one alike', async () => {
    const asWritten = await theirDriver(orderLike, ENGINE_ORDER).run('theirs');
    expect(asWritten.status).toBe('FAILED');

    const { definition, changes } = adaptForAwsLocalStepFunctions(orderLike);
    expect(changes).toEqual(['CreateOrder: "ResultPath": "$" dropped (the default)', 'ConfirmOrder: "causedBy.$": "$$.State.Name" → "causedBy": "ConfirmOrder"']);
    const ours = await ourDriver(definition, ENGINE_ORDER).run('ours');
    const theirs = await theirDriver(definition, ENGINE_ORDER).run('theirs');
    expect(theirs).toMatchObject({ status: 'SUCCEEDED', statesEntered: happyPath, output: confirmed });
    expect(ours).toMatchObject({ status: 'SUCCEEDED', statesEntered: happyPath, output: confirmed });
  });

  it('counts transitions over a timed run and refuses executions that do not succeed', async () => {
    const run = await timeRun(ourDriver(passChain(3), {}), 4, 't');
    expect(run.transitions).toBe(12);
    await expect(timeRun(theirDriver(orderLike, ENGINE_ORDER), 1, 'f')).rejects.toThrow(/ended FAILED/);
  });

  it('stand-ins return the step contracts’ happy-path shapes inside a lambda:invoke response', () => {
    expect(happyLambdaResult({ action: 'charge', orderId: 'o1', amount: 10, currency: 'USD', token: 'tok_visa' })).toEqual({
      ExecutedVersion: '$LATEST',
      StatusCode: 200,
      Payload: { orderId: 'o1', paymentId: 'pay_o1', amount: 10, currency: 'USD', status: 'CAPTURED' },
    });
    expect(() => happyLambdaResult({ action: 'refund' })).toThrow(/happy path/);
  });
});
