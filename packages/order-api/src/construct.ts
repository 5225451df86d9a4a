import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { INVOKED_BY_API_GATEWAY, shippedBundle, synchronousFunction } from '@order-flow/construct-kit';
import { ORDERS_TABLE_ENV, SERVICE_NAME, STATE_MACHINE_ARN_ENV } from './config.js';

/** JWT authorization of {@link OrderApiProps.authorization}. */
export interface OrderApiJwtAuthorization {
  /** The token issuer URL (e.g. a Cognito user pool's `https://cognito-idp.<region>.amazonaws.com/<poolId>`). */
  readonly jwtIssuer: string;
  /** Accepted `aud` values; a token must carry at least one. */
  readonly jwtAudience: string[];
}

/** Stage throttling of {@link OrderApiProps.throttle}. */
export interface OrderApiThrottle {
  /**
   * Steady-state requests per second across the API.
   * @default 50
   */
  readonly rateLimit?: number;
  /**
   * Requests allowed in a burst above the steady rate.
   * @default 100
   */
  readonly burstLimit?: number;
}

/** Properties of {@link OrderApi}. */
export interface OrderApiProps {
  /** The order workflow; each accepted order starts one execution named by its orderId. */
  readonly stateMachine: sfn.IStateMachine;
  /**
   * The order-status step's orders table (partition key `orderId`): the API records each order
   * PENDING there before starting the workflow and reads orders from it.
   */
  readonly ordersTable: dynamodb.ITableV2;
  /**
   * Who may call the API: `'iam'` (SigV4-signed requests; grant callers with
   * {@link OrderApi.grantInvokeApi}) or a JWT authorizer.
   * @default 'iam'
   */
  readonly authorization?: 'iam' | OrderApiJwtAuthorization;
  /**
   * Throttling of the default stage.
   * @default - 50 requests per second, bursts of 100
   */
  readonly throttle?: OrderApiThrottle;
  /**
   * Retention of the access log group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: logs.RetentionDays;
  /**
   * Overrides for the function (memory, timeout, architecture, extra environment, ...). The
   * construct owns the code, handler, runtime and the `ORDERS_TABLE_NAME` and
   * `STATE_MACHINE_ARN` variables.
   * @default - arm64, 256 MB, 10 s timeout, JSON logging, active X-Ray tracing
   */
  readonly functionProps?: lambda.FunctionOptions;
}

/**
 * The Order API: an API Gateway HTTP API with `POST /orders` (records the order PENDING and starts
 * the workflow; 202) and `GET /orders/{orderId}` (the order's status and history), served by one
 * Lambda function, throttled, with JSON access logs.
 *
 * @example
 * const workflow = new OrderWorkflow(this, 'Orders');
 * const api = new OrderApi(this, 'OrderApi', {
 *   stateMachine: workflow.stateMachine,
 *   ordersTable: workflow.orderStatus.table,
 * });
 * api.grantInvokeApi(clientRole); // IAM callers sign requests with SigV4
 * new CfnOutput(this, 'OrderApiUrl', { value: api.url });
 */
export class OrderApi extends Construct {
  /** The HTTP API (routes `POST /orders`, `GET /orders/{orderId}`). */
  public readonly httpApi: apigwv2.HttpApi;
  /** The function behind both routes. */
  public readonly function: lambda.Function;
  /** The API's default stage (throttling, access logs). */
  public readonly stage: apigwv2.HttpStage;
  /** The API's URL, ending in `/` (e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com/`). */
  public readonly url: string;
  /** Where the stage writes its JSON access logs. */
  public readonly accessLogGroup: logs.LogGroup;
  /** The API's routes, for finer-grained grants. */
  public readonly routes: readonly apigwv2.HttpRoute[];

  private readonly authorization: 'iam' | 'jwt';

  constructor(scope: Construct, id: string, props: OrderApiProps) {
    super(scope, id);

    // The kit's defaults, then the user's overrides, then what the construct must own. Logs go to
    // the function's own log group, and it may write only there (no AWSLambdaBasicExecutionRole).
    this.function = synchronousFunction(this, 'Function', {
      code: lambda.Code.fromAsset(shippedBundle(new URL('../dist/lambda', import.meta.url), '@order-flow/order-api')),
      functionProps: props.functionProps,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        ...props.functionProps?.environment,
        [ORDERS_TABLE_ENV]: props.ordersTable.tableName,
        [STATE_MACHINE_ARN_ENV]: props.stateMachine.stateMachineArn,
      },
      invokedBy: INVOKED_BY_API_GATEWAY,
    });

    // What the API path of the order-status store calls: a conditional PutItem to create, a
    // GetItem to read (after a refused create, and for GET) and conditional UpdateItems on the
    // workflow-start claim (the duplicate guard). Status changes belong to the workflow.
    // On the table ARN alone: ordersTable.grant() would add `<table>/index/*`, but item reads and
    // writes never touch an index.
    iam.Grant.addToPrincipal({
      grantee: this.function,
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      resourceArns: [props.ordersTable.tableArn],
    });
    props.ordersTable.encryptionKey?.grantEncryptDecrypt(this.function);
    props.stateMachine.grantStartExecution(this.function);

    const authorization = props.authorization ?? 'iam';
    this.authorization = authorization === 'iam' ? 'iam' : 'jwt';
    const defaultAuthorizer =
      authorization === 'iam'
        ? new HttpIamAuthorizer()
        : new HttpJwtAuthorizer('JwtAuthorizer', authorization.jwtIssuer, { jwtAudience: authorization.jwtAudience });

    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'Order Flow: submit orders and follow them',
      defaultAuthorizer,
      // The stage is created below: the API's built-in default stage takes no throttling or access logs.
      createDefaultStage: false,
    });

    const integration = new HttpLambdaIntegration('OrdersIntegration', this.function);
    this.routes = [
      ...this.httpApi.addRoutes({ path: '/orders', methods: [apigwv2.HttpMethod.POST], integration }),
      ...this.httpApi.addRoutes({ path: '/orders/{orderId}', methods: [apigwv2.HttpMethod.GET], integration }),
    ];

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      throttle: {
        rateLimit: props.throttle?.rateLimit ?? 50,
        burstLimit: props.throttle?.burstLimit ?? 100,
      },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latency: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    this.url = this.stage.url;
  }

  /**
   * Allows `grantee` to call both routes (`execute-api:Invoke` on them, any stage). Only for the
   * default `'iam'` authorization: with JWT, callers present tokens and IAM grants do nothing.
   *
   * @throws Error when the API uses JWT authorization
   */
  public grantInvokeApi(grantee: iam.IGrantable): iam.Grant {
    if (this.authorization !== 'iam') {
      throw new Error(`${this.node.path}: grantInvokeApi needs authorization 'iam'; this API authorizes with JWTs`);
    }
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['execute-api:Invoke'],
      resourceArns: this.routes.map((route) => route.routeArn),
    });
  }
}
