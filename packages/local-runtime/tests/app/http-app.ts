/**
 * A tiny CDK app with an HTTP API (synthesized by the tests) and the pieces the runtime would wire:
 * an AssemblyResolver and one LocalFunction per function, so the HTTP API tests need no
 * DynamoDB Local.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as events from 'aws-cdk-lib/aws-events';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { readCloudAssembly, type CloudAssembly } from '@order-flow/local/cloudformation';
import type { HttpFunctionInvoker } from '@order-flow/local/apigateway';
import { LocalFunction, locateFunctionCode } from '@order-flow/local/lambda';
import { AssemblyResolver } from '@order-flow/local/cloudformation';
import { fixtureFunction } from './fixture-function.ts';

export const HTTP_STACK = 'HttpApiTestStack';

/** Synthesizes the HTTP API test app into `outdir`. */
export function synthHttpApp(outdir: string): void {
  const app = new App({ outdir });
  const stack = new Stack(app, HTTP_STACK);
  const echo = fixtureFunction(stack, 'Echo', 'http-echo-fn', { timeout: Duration.seconds(10) });
  const api = new apigw.HttpApi(stack, 'Api');
  const v2 = new HttpLambdaIntegration('EchoV2', echo);
  api.addRoutes({ path: '/orders', methods: [apigw.HttpMethod.POST], integration: v2 });
  api.addRoutes({ path: '/orders/{orderId}', methods: [apigw.HttpMethod.GET], integration: v2, authorizer: new HttpIamAuthorizer() });
  api.addRoutes({ path: '/inventory/{sku}', methods: [apigw.HttpMethod.GET], integration: v2 });
  api.addRoutes({ path: '/files/{proxy+}', methods: [apigw.HttpMethod.ANY], integration: v2 });
  api.addRoutes({
    path: '/v1/{proxy+}',
    methods: [apigw.HttpMethod.ANY],
    integration: new HttpLambdaIntegration('EchoV1', echo, { payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_1_0 }),
  });
  new apigw.HttpApi(stack, 'CatchAll', { defaultIntegration: new HttpLambdaIntegration('EchoDefault', echo) });
  const bus = new events.EventBus(stack, 'Bus', { eventBusName: 'orders-bus' });
  new events.EventBus(stack, 'OtherBus');
  const publish = new tasks.EventBridgePutEvents(stack, 'Publish', {
    entries: [
      {
        eventBus: bus,
        source: 'test.orders',
        detailType: 'OrderConfirmed',
        detail: sfn.TaskInput.fromObject({ orderId: sfn.JsonPath.stringAt('$.orderId'), total: sfn.JsonPath.numberAt('$.total') }),
      },
    ],
    resultPath: '$.published',
  });
  new sfn.StateMachine(stack, 'Notify', { definitionBody: sfn.DefinitionBody.fromChainable(publish) });
  app.synth();
}

/** The assembly read back, a resolver, and an invoker running its functions in worker threads. */
export function loadHttpApp(outdir: string): { assembly: CloudAssembly; resolver: AssemblyResolver; invoke: HttpFunctionInvoker; stop(): Promise<void> } {
  const assembly = readCloudAssembly(outdir);
  const resolver = new AssemblyResolver(assembly);
  const functions = new Map<string, LocalFunction>();
  for (const stack of assembly.stacks) {
    for (const resource of stack.resources.values()) {
      if (resource.type !== 'AWS::Lambda::Function') continue;
      const props = resolver.resolve(stack, resource.properties) as { Code: unknown; Handler: string; Timeout?: number };
      const name = resolver.physicalName(stack, resource.logicalId);
      const arn = String(resolver.attributeOf(stack, resource.logicalId, 'Arn'));
      functions.set(
        arn,
        new LocalFunction({
          name,
          arn,
          handler: props.Handler,
          code: locateFunctionCode(stack, resource.logicalId, props.Code, props.Handler),
          environment: { PATH: process.env.PATH ?? '' },
          timeoutSeconds: props.Timeout ?? 3,
          memoryMb: 128,
          logGroupName: `/aws/lambda/${name}`,
          logs: 'silent',
        }),
      );
    }
  }
  return {
    assembly,
    resolver,
    invoke: (arn, event) => {
      const fn = functions.get(arn);
      return fn ? fn.invoke(event) : Promise.resolve({ ok: false, error: { errorType: 'ResourceNotFound', errorMessage: arn } });
    },
    stop: async () => {
      await Promise.all([...functions.values()].map((fn) => fn.stop()));
    },
  };
}
