import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { retryUntilDone, tableRetention } from '@order-flow/construct-kit';
import { ErrorName, FailureReason, OrderStatus } from '@order-flow/contracts';
import type { InventoryStepBase } from '@order-flow/inventory';
import type { OrderStatusStepBase } from '@order-flow/order-status';
import type { PaymentStepBase } from '@order-flow/payment';

/** Props of {@link OrderReconciler}. */
export interface OrderReconcilerProps {
  /** The order workflow whose executions are watched. */
  readonly workflow: sfn.IStateMachine;
  /** The workflow's `TimeoutSeconds`: no execution of it runs longer. */
  readonly workflowTimeout: Duration;
  readonly inventory: InventoryStepBase;
  readonly payment: PaymentStepBase;
  readonly orderStatus: OrderStatusStepBase;
  /** Where `OrderFailed` goes (the workflow's bus). */
  readonly eventBus: events.IEventBus;
  /** `source` of the `OrderFailed` events (the workflow's). */
  readonly eventSource: string;
  /**
   * How often the sweep looks for orders still PENDING past the workflow timeout.
   * @default Duration.minutes(15)
   */
  readonly sweepInterval?: Duration;
  /**
   * How long past the workflow timeout an order must still be PENDING before the sweep settles it
   * (the end-of-execution event has that long to arrive and be handled first).
   * @default Duration.minutes(5)
   */
  readonly sweepMargin?: Duration;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/** Rounds of a settlement before an order is recorded as unsettled (see the settlement machine). */
export const SETTLEMENT_ROUNDS = 24;
/** The wait between two rounds: 24 rounds ride out an outage of about two hours. */
export const SETTLEMENT_ROUND_WAIT = Duration.minutes(5);
const SETTLEMENT_TIMEOUT = Duration.hours(6);

/** The order fields the settlement reads from a `DynamoGetItem` of the orders table. */
const LOADED = '$.loaded.Item';

/**
 * Settles, exactly once, every order its workflow left PENDING, on AWS (nothing local about it):
 *
 * - **Triggers.** An EventBridge rule on "Step Functions Execution Status Change" for the
 *   workflow: TIMED_OUT, ABORTED, or FAILED with an error that is not one of the workflow's own
 *   FailureReasons (those executions settled their order before failing). And a schedule (the
 *   sweep, every 15 minutes) for orders still PENDING past the workflow timeout plus a margin:
 *   an end event that was missed, an order whose execution never started, an Express workflow
 *   (no status-change events), or an order created without an `orderId` (its id is derived at
 *   run time and is not in the execution's input).
 * - **The reconciliation state machine** (JSONata) turns the trigger into orders and starts one
 *   **settlement** execution per order, NAMED AFTER THE ORDER ID: Step Functions' name
 *   idempotency (a name is unique per state machine for 90 days) makes a second trigger for the
 *   same order a no-op (`ExecutionAlreadyExists`), whichever comes first.
 * - **The settlement state machine** reads the order (consistent read); only a PENDING order is
 *   settled (an order its execution never recorded is first recorded from the execution's input): refund or void the payment (a later charge is refused), release the stock, mark the
 *   order FAILED with the reason (TIMED_OUT, ABORTED, WORKFLOW_FAILED or STALLED) and the error
 *   in its history, publish one `OrderFailed`. Each step is the step package's own idempotent
 *   compensation task with its retries.
 * - **Outages are ridden out:** a round that fails after the tasks' own retries waits 5 minutes
 *   and runs the settlement again (every step is idempotent), 24 rounds in all: about two hours.
 * - **What cannot be settled stays visible:** when the last round fails too, the settlement writes
 *   the order and the error to {@link unsettledTable}, fails, and {@link alarm} goes off. The order stays PENDING (never silently dropped) until an operator
 *   redrives the settlement.
 */
export class OrderReconciler extends Construct {
  /**
   * Settles one order: `{ orderId, currency, reason, error, order? }` in (`order`: the execution's
   * input, to record an order its execution never did), `{ orderId, settled, rounds }` out.
   */
  public readonly settlement: sfn.StateMachine;
  /** Turns a status-change event or a sweep into settlement executions. */
  public readonly reconciliation: sfn.StateMachine;
  /** Orders a settlement could not settle: `orderId`, `reason`, `error`, `execution`, `at`. */
  public readonly unsettledTable: dynamodb.TableV2;
  /** In alarm when a settlement or a reconciliation failed in the last 5 minutes. */
  public readonly alarm: cloudwatch.Alarm;

  /** `causedBy` of the FAILED history entry the reconciler writes. */
  static readonly CAUSED_BY = 'Reconciler';
  /** The FailureReasons only the reconciler sets. */
  static readonly REASONS = [FailureReason.TIMED_OUT, FailureReason.ABORTED, FailureReason.WORKFLOW_FAILED, FailureReason.STALLED] as const;

  constructor(scope: Construct, id: string, props: OrderReconcilerProps) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const retention = tableRetention(this.node.path, { removalPolicy });
    this.unsettledTable = new dynamodb.TableV2(this, 'Unsettled', {
      partitionKey: { name: 'orderId', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: retention.removalPolicy,
      deletionProtection: retention.deletionProtection,
    });

    this.settlement = this.settlementMachine(props, removalPolicy);
    this.reconciliation = this.reconciliationMachine(props, removalPolicy);

    // Executions that ended without settling their order. The workflow's own failures end in a
    // Fail state named after their FailureReason, after marking the order: those are left out.
    // CreateOrder's refusals are left out too: an invalid order was never accepted, and an
    // OrderConflict means the orderId belongs to another order, which must not be touched.
    const workflowReasons = [
      ...Object.values(FailureReason).filter((reason) => !(OrderReconciler.REASONS as readonly string[]).includes(reason)),
      ErrorName.InvalidOrder,
      ErrorName.OrderConflict,
      ErrorName.InvalidInput,
    ];
    const onEnded = new events.Rule(this, 'OnWorkflowEnded', {
      description: 'Settles the order of a workflow execution that timed out, was aborted or failed unsettled',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          stateMachineArn: [props.workflow.stateMachineArn],
          $or: [{ status: ['TIMED_OUT', 'ABORTED'] }, { status: ['FAILED'], error: [{ 'anything-but': workflowReasons }] }],
        },
      },
      targets: [new targets.SfnStateMachine(this.reconciliation)],
    });
    const sweep = new events.Rule(this, 'Sweep', {
      description: 'Settles orders still PENDING past the workflow timeout',
      schedule: events.Schedule.rate(props.sweepInterval ?? Duration.minutes(15)),
      targets: [new targets.SfnStateMachine(this.reconciliation)],
    });

    // A delivery EventBridge gives up on (after its own 24 h of retries) is not lost: the order is
    // still PENDING and the next sweep settles it; a missed sweep is followed by the next one.
    for (const rule of [onEnded, sweep]) {
      Validations.of(rule).acknowledge({
        id: 'Serverless-EventBusDLQ',
        reason: 'Serverless-EventBusDLQ: an undelivered trigger leaves its order PENDING, and the sweep schedule settles every order PENDING past the workflow timeout, so a DLQ would only hold triggers the sweep already replaces',
      });
    }

    const failures = new cloudwatch.MathExpression({
      expression: 'settlement + reconciliation',
      usingMetrics: {
        settlement: this.settlement.metricFailed({ statistic: 'Sum' }),
        reconciliation: this.reconciliation.metricFailed({ statistic: 'Sum' }),
      },
      period: Duration.minutes(5),
    });
    this.alarm = failures.createAlarm(this, 'UnsettledOrders', {
      alarmDescription: `An order could not be settled: see the ${this.unsettledTable.node.path} table and the failed settlement executions`,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  private settlementMachine(props: OrderReconcilerProps, removalPolicy: RemovalPolicy): sfn.StateMachine {
    const load = new tasks.DynamoGetItem(this, 'LoadOrder', {
      table: props.orderStatus.table,
      key: { orderId: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.orderId')) },
      consistentRead: true,
      resultPath: '$.loaded',
    });
    load.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 8, maxDelay: Duration.seconds(60), jitterStrategy: sfn.JitterType.FULL });
    // An order its execution never managed to record (CreateOrder failed: DynamoDB down, say) is
    // recorded from the execution's input, then failed like any other: no accepted order vanishes.
    const recordOrder = props.orderStatus.createTask('SettleRecordOrder', { orderPath: '$.order', resultPath: '$.recorded' });

    const notPending = new sfn.Pass(this, 'NotPending', {
      comment: 'No order, or it is already CONFIRMED or FAILED: nothing to settle',
      parameters: { 'orderId.$': '$.orderId', settled: false },
    });

    const unsettled = new tasks.DynamoPutItem(this, 'RecordUnsettled', {
      table: this.unsettledTable,
      item: {
        orderId: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.orderId')),
        reason: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.reason')),
        error: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.settlementError'))),
        rounds: tasks.DynamoAttributeValue.numberFromString(sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.round'))),
        execution: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$$.Execution.Id')),
        at: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$$.State.EnteredTime')),
      },
      resultPath: sfn.JsonPath.DISCARD,
    });
    retryUntilDone(unsettled);
    unsettled.next(new sfn.Fail(this, 'SettlementFailed', { error: 'OrderUnsettled', cause: 'A compensation still failed after every round of retries: see the unsettled-orders table' }));

    const refund = props.payment.refundTask('SettleRefund', { orderIdPath: '$.orderId', resultPath: '$.refund' });
    const release = props.inventory.releaseTask('SettleRelease', { orderIdPath: '$.orderId', resultPath: '$.release' });
    const mark = props.orderStatus.failTask('SettleMarkFailed', { path: '$.reason' }, {
      causedBy: OrderReconciler.CAUSED_BY,
      orderIdPath: '$.orderId',
      errorPath: '$.error',
      resultPath: '$.failure',
    });
    const publish = new tasks.EventBridgePutEvents(this, 'PublishOrderFailed', {
      entries: [
        {
          eventBus: props.eventBus,
          source: props.eventSource,
          detailType: 'OrderFailed',
          detail: sfn.TaskInput.fromObject({
            'orderId.$': '$.orderId',
            status: OrderStatus.FAILED,
            'reason.$': '$.reason',
            // A PENDING order has no priced total on its record (the reservation had it).
            total: 0,
            'currency.$': '$.currency',
            'timestamp.$': '$.failure.updatedAt',
          }),
        },
      ],
      resultPath: sfn.JsonPath.DISCARD,
    });
    retryUntilDone(publish, 6);

    // Each task's own retries (10 attempts, at most 30 s apart: minutes) are shorter than an
    // outage: a failed round waits and runs the whole settlement again (every step idempotent),
    // up to SETTLEMENT_ROUNDS rounds (hours) before the order is recorded as unsettled.
    const firstRound = new sfn.Pass(this, 'FirstRound', { result: sfn.Result.fromNumber(1), resultPath: '$.round' });
    const nextRound = new sfn.Pass(this, 'NextRound', { parameters: { 'value.$': 'States.MathAdd($.round, 1)' }, outputPath: '$', resultPath: '$.next' });
    const countRound = new sfn.Pass(this, 'CountRound', { inputPath: '$.next.value', resultPath: '$.round' });
    const another = new sfn.Choice(this, 'AnotherRound')
      .when(sfn.Condition.numberLessThan('$.round', SETTLEMENT_ROUNDS), new sfn.Wait(this, 'WaitBeforeNextRound', { time: sfn.WaitTime.duration(SETTLEMENT_ROUND_WAIT) }).next(nextRound))
      .otherwise(unsettled);
    for (const task of [load, recordOrder, refund, release, mark, publish]) task.addCatch(another, { errors: ['States.ALL'], resultPath: '$.settlementError' });

    const settled = new sfn.Pass(this, 'Settled', { parameters: { 'orderId.$': '$.orderId', settled: true, 'rounds.$': '$.round' } });
    const compensate = refund.next(release).next(mark).next(publish).next(settled);
    // Every round starts by reading the order again: one that became terminal meanwhile stops it.
    nextRound.next(countRound).next(load);
    const definition = firstRound.next(load).next(
      new sfn.Choice(this, 'IsPending')
        .when(sfn.Condition.and(sfn.Condition.isPresent(`${LOADED}.status.S`), sfn.Condition.stringEquals(`${LOADED}.status.S`, OrderStatus.PENDING)), compensate)
        .when(sfn.Condition.and(sfn.Condition.isNotPresent(LOADED), sfn.Condition.isPresent('$.order')), recordOrder.next(refund))
        .otherwise(notPending),
    );

    const machine = new sfn.StateMachine(this, 'Settlement', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      // Above the rounds' bound (24 x (5 min wait + a round's retries, under 6 min) < 5 h); the
      // synth-time budget check does not apply: the loop is bounded by its counter, not by shape.
      timeout: SETTLEMENT_TIMEOUT,
      tracingEnabled: true,
      logs: { destination: this.logGroup('SettlementLogs', removalPolicy), level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    acknowledgeDeliveryWildcards(machine);
    return machine;
  }

  private reconciliationMachine(props: OrderReconcilerProps, removalPolicy: RemovalPolicy): sfn.StateMachine {
    const cutoffSeconds = props.workflowTimeout.toSeconds() + (props.sweepMargin ?? Duration.minutes(5)).toSeconds();
    const orders = props.orderStatus.table.tableName;
    const asl = {
      Comment: 'Order Flow reconciler: settlement executions (named after the order) for orders their workflow left PENDING',
      QueryLanguage: 'JSONata',
      StartAt: 'Route',
      States: {
        Route: {
          Type: 'Choice',
          Choices: [{ Condition: "{% $states.input.source = 'aws.states' %}", Next: 'FromExecution' }],
          Default: 'Sweep',
        },
        // The ended execution's order: its input's orderId (an order without one is left to the sweep).
        FromExecution: {
          Type: 'Pass',
          Assign: { startKey: null, started: 0 },
          Output:
            "{% ( $d := $states.input.detail; $o := $d.input != '' ? $parse($d.input) : {}; $id := $o.orderId;" +
            " { 'orders': $type($id) = 'string' ? [{ 'orderId': $id, 'currency': $o.currency, 'order': $o," +
            " 'reason': $d.status = 'TIMED_OUT' ? 'TIMED_OUT' : $d.status = 'ABORTED' ? 'ABORTED' : 'WORKFLOW_FAILED'," +
            " 'error': { 'Error': $d.error ? $d.error : $d.status, 'Cause': 'Execution ' & $d.executionArn & ' ended ' & $d.status & ($d.cause ? ': ' & $d.cause : '') } }] : [] } ) %}",
          Next: 'SettleEach',
        },
        // Orders still PENDING past the workflow timeout (+ margin): `olderThanSeconds` in the input overrides it.
        Sweep: {
          Type: 'Pass',
          Assign: {
            startKey: null,
            started: 0,
            cutoff: `{% $fromMillis($toMillis($states.context.Execution.StartTime) - ($exists($states.input.olderThanSeconds) ? $states.input.olderThanSeconds : ${cutoffSeconds}) * 1000) %}`,
          },
          Next: 'ScanPending',
        },
        ScanPending: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:dynamodb:scan',
          Arguments:
            "{% $merge([{ 'TableName': '" + orders + "', 'ConsistentRead': true, 'ProjectionExpression': 'orderId, currency'," +
            " 'FilterExpression': '#status = :pending AND createdAt < :cutoff', 'ExpressionAttributeNames': { '#status': 'status' }," +
            " 'ExpressionAttributeValues': { ':pending': { 'S': 'PENDING' }, ':cutoff': { 'S': $cutoff } } }," +
            " $startKey ? { 'ExclusiveStartKey': $startKey } : {}]) %}",
          Assign: { startKey: '{% $exists($states.result.LastEvaluatedKey) ? $states.result.LastEvaluatedKey : null %}' },
          Output:
            "{% { 'orders': [$states.result.Items.{ 'orderId': orderId.S, 'currency': currency.S, 'reason': 'STALLED'," +
            " 'error': { 'Error': 'STALLED', 'Cause': 'PENDING past the workflow timeout with no end of its execution seen' } }] } %}",
          Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 6, MaxDelaySeconds: 60, JitterStrategy: 'FULL' }],
          Next: 'SettleEach',
        },
        SettleEach: {
          Type: 'Map',
          Items: '{% $states.input.orders %}',
          MaxConcurrency: 10,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'StartSettlement',
            States: {
              // Named after the order: a second trigger for it is ExecutionAlreadyExists, a no-op.
              StartSettlement: {
                Type: 'Task',
                Resource: 'arn:aws:states:::states:startExecution',
                Arguments: { StateMachineArn: this.settlement.stateMachineArn, Name: '{% $states.input.orderId %}', Input: '{% $states.input %}' },
                Output: "{% { 'orderId': $states.input.orderId, 'started': true } %}",
                Retry: [{ ErrorEquals: ['StepFunctions.SdkClientException', 'StepFunctions.AWSStepFunctionsException', 'States.TaskFailed'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 5, JitterStrategy: 'FULL' }],
                Catch: [{ ErrorEquals: ['StepFunctions.ExecutionAlreadyExistsException'], Output: "{% { 'orderId': $states.input.orderId, 'started': false } %}", Next: 'AlreadyStarted' }],
                End: true,
              },
              AlreadyStarted: { Type: 'Pass', End: true },
            },
          },
          Assign: { started: '{% $started + $count($states.result[started = true]) %}' },
          Next: 'MorePages',
        },
        MorePages: {
          Type: 'Choice',
          Choices: [{ Condition: '{% $startKey != null %}', Next: 'ScanPending' }],
          Default: 'Done',
        },
        Done: { Type: 'Succeed', Output: "{% { 'settlementsStarted': $started } %}" },
      },
    };
    const machine = new sfn.StateMachine(this, 'Reconciliation', {
      definitionBody: sfn.DefinitionBody.fromString(Stack.of(this).toJsonString(asl)),
      timeout: Duration.minutes(30),
      tracingEnabled: true,
      logs: { destination: this.logGroup('ReconciliationLogs', removalPolicy), level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    // A definition from a string grants nothing by itself: exactly what its tasks call.
    iam.Grant.addToPrincipal({ grantee: machine, actions: ['dynamodb:Scan'], resourceArns: [props.orderStatus.table.tableArn] });
    props.orderStatus.table.encryptionKey?.grantDecrypt(machine);
    this.settlement.grantStartExecution(machine);
    acknowledgeDeliveryWildcards(machine);
    return machine;
  }

  private logGroup(id: string, removalPolicy: RemovalPolicy): logs.LogGroup {
    return new logs.LogGroup(this, id, { retention: logs.RetentionDays.ONE_MONTH, removalPolicy });
  }
}

function acknowledgeDeliveryWildcards(machine: sfn.StateMachine): void {
  Validations.of(machine.role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'AwsSolutions-IAM5: the *-resource statements are the CloudWatch Logs delivery actions and X-Ray, none of which support ' +
      'resource-level permissions; every task permission is scoped to its table, function alias, bus or state machine',
  });
}
