/**
 * A tiny CDK app used by the tests: what the local runtime reads is exactly what `app.synth()`
 * writes, so the tests exercise real cloud assembly output rather than a hand-written template.
 */
import { App, CfnOutput, CfnWaitConditionHandle, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { fixtureFunction } from './fixture-function.ts';

export const STACK = 'LocalRuntimeTestStack';
export const CONSUMER_STACK = 'LocalRuntimeConsumerStack';

/** Synthesizes the test app into `outdir` and returns it. */
export function synthTestApp(outdir: string): string {
  const app = new App({ outdir });
  const stack = new Stack(app, STACK);

  const items = new dynamodb.TableV2(stack, 'Items', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
  });
  const indexed = new dynamodb.Table(stack, 'Indexed', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.NUMBER },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
  });
  indexed.addGlobalSecondaryIndex({
    indexName: 'byStatus',
    partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'createdAt', type: dynamodb.AttributeType.STRING },
  });

  const store = fixtureFunction(stack, 'Store', 'store-fn', {
    architecture: lambda.Architecture.ARM_64,
    memorySize: 256,
    timeout: Duration.seconds(10),
    environment: { TABLE_NAME: items.tableName, INDEX_TABLE_ARN: indexed.tableArn, ROLE: 'store' },
  });
  items.grantReadWriteData(store);
  const chaos = fixtureFunction(stack, 'Chaos', 'chaos-fn', {
    timeout: Duration.seconds(1),
    environment: { ROLE: 'chaos' },
  });

  const save = new tasks.LambdaInvoke(stack, 'Save', {
    lambdaFunction: store,
    payload: sfn.TaskInput.fromObject({ action: 'put', id: sfn.JsonPath.stringAt('$.id'), mode: sfn.JsonPath.stringAt('$.mode') }),
    resultSelector: { 'saved.$': '$.Payload' },
    resultPath: '$.save',
  });
  // Long waits on purpose: the retry test passes only if retryIntervalMs shrinks them.
  save.addRetry({ errors: ['Flaky'], interval: Duration.seconds(5), backoffRate: 2, maxAttempts: 3, jitterStrategy: sfn.JitterType.FULL });
  const load = new tasks.LambdaInvoke(stack, 'Load', {
    lambdaFunction: store,
    payload: sfn.TaskInput.fromObject({ action: 'get', id: sfn.JsonPath.stringAt('$.id') }),
    resultSelector: { 'item.$': '$.Payload', 'status.$': '$.StatusCode', 'version.$': '$.ExecutedVersion' },
    resultPath: '$.load',
  });
  const explode = new tasks.LambdaInvoke(stack, 'Explode', {
    lambdaFunction: chaos,
    payload: sfn.TaskInput.fromObject({ action: 'boom', id: sfn.JsonPath.stringAt('$.id') }),
  });
  const failed = new sfn.Fail(stack, 'Failed', {
    errorPath: sfn.JsonPath.stringAt('$.error.Error'),
    causePath: sfn.JsonPath.stringAt('$.error.Cause'),
  });
  explode.addCatch(failed, { errors: ['Boom'], resultPath: '$.error' });
  const pause = new sfn.Wait(stack, 'Pause', { time: sfn.WaitTime.duration(Duration.seconds(30)) });
  const shape = new sfn.Pass(stack, 'Shape', {
    parameters: { 'id.$': '$.id', 'item.$': '$.load.item', 'status.$': '$.load.status', 'version.$': '$.load.version' },
  });
  const done = new sfn.Succeed(stack, 'Done');
  shape.next(done);

  const definition = save
    .next(load)
    .next(
      new sfn.Choice(stack, 'Route')
        .when(sfn.Condition.stringEquals('$.mode', 'boom'), explode)
        .when(sfn.Condition.stringEquals('$.mode', 'slow'), pause.next(shape))
        .otherwise(shape),
    );
  const machine = new sfn.StateMachine(stack, 'Flow', { definitionBody: sfn.DefinitionBody.fromChainable(definition) });

  new CfnOutput(stack, 'ItemsTableName', { value: items.tableName });
  new CfnOutput(stack, 'FlowArn', { value: machine.stateMachineArn, exportName: 'LocalRuntimeFlowArn' });
  new CfnOutput(stack, 'Where', { value: Fn.sub('${AWS::Region}/${AWS::AccountId}/${Name}', { Name: items.tableName }) });

  const consumer = new Stack(app, CONSUMER_STACK);
  // A resource type the runtime does not know: it must be ignored.
  new CfnWaitConditionHandle(consumer, 'Placeholder');
  new CfnOutput(consumer, 'ImportedFlowArn', { value: Fn.importValue('LocalRuntimeFlowArn') });

  app.synth();
  return outdir;
}
