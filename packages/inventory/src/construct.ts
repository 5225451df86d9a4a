import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  retriesServiceExceptions,
  addStepRetry,
  acknowledgeSynchronousFunction,
  functionWithOwnLogGroup,
  FUNCTION_DEFAULTS,
  FUNCTION_RUNTIME,
  INVOKED_BY_API_GATEWAY,
  INVOKED_BY_STEP_FUNCTIONS,
  lookupStep,
  lookupStepFunction,
  publishStep,
  retryLambdaPlatformErrors,
  retryUntilDone,
  shippedBundle,
  stepDashboardWidgets,
  StepAlarms,
  StepDeployment,
  type StepDeploymentOptions,
  type StepAlarmsOptions,
  tableRetention,
  type StepReference,
  type StepTaskOptions,
} from '@order-flow/construct-kit';
import { ErrorName } from '@order-flow/contracts';
import { API_BUNDLE_DIR, DEFAULT_BUNDLE_DIR } from './bundle.js';
import { INVENTORY_TABLE_NAME_ENV } from './lambda-env.js';

/** Environment variable both inventory functions read their table name from. */
export { INVENTORY_TABLE_NAME_ENV };

/** Sizing of the inventory function. */
export interface InventoryFunctionProps {
  /**
   * Memory of the function, in MiB.
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Timeout of one invocation.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * X-Ray tracing of the inventory functions (step and stock API).
   * @default lambda.Tracing.ACTIVE
   */
  readonly tracing?: lambda.Tracing;
}

/** Properties of {@link InventoryStep}. */
export interface InventoryStepProps {
  /**
   * A table to keep stock and reservations in (partition key `pk`, type string).
   * @default - a new on-demand TableV2 with point-in-time recovery and deletion protection
   */
  readonly table?: dynamodb.ITableV2;
  /**
   * What happens to the table this construct creates when it leaves the stack.
   * `RemovalPolicy.DESTROY` also turns deletion protection off unless `deletionProtection` is
   * set. Ignored when `table` is given.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Deletion protection of the table this construct creates: stock and open reservations are
   * live data, so deleting the table must be a deliberate two-step act. `true` together with
   * `RemovalPolicy.DESTROY` is an error (CloudFormation could not delete the table, and
   * `cdk destroy` would fail). Ignored when `table` is given.
   * @default - true; false with `removalPolicy: RemovalPolicy.DESTROY`
   */
  readonly deletionProtection?: boolean;
  /**
   * The handler code. Replace it only to run a patched build of this step's handler (the
   * construct still owns handler, runtime and environment).
   * @default - the prebuilt bundle shipped in this package (dist/lambda)
   */
  readonly code?: lambda.Code;
  /**
   * Sizing and tracing of the inventory functions.
   * @default - 256 MiB, 10 seconds, active X-Ray tracing
   */
  readonly functionProps?: InventoryFunctionProps;
  /**
   * Thresholds of the step's alarms on its `live` alias ({@link InventoryStep.alarms}): error rate,
   * throttles, p99 duration.
   * @default - more than 10% errors in 3 consecutive 5-minute periods, any throttle, p99 above 80% of the timeout
   */
  readonly alarms?: StepAlarmsOptions;
  /**
   * How a new version of the function reaches the `live` alias: CodeDeploy shifts traffic to it
   * gradually and rolls back when the version's error rate, p99 duration or the alias's throttles
   * alarm ({@link InventoryStep.deployment}).
   * @default - 10% of invocations for 5 minutes, then all (`LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES`), rolled back on alarm or failure
   */
  readonly deployment?: StepDeploymentOptions;
}

/** JSONPath options of {@link InventoryStep.reserveTask}. */
export interface ReserveTaskOptions extends StepTaskOptions {
  /**
   * Path of the order id in the state input.
   * @default '$.order.orderId'
   */
  readonly orderIdPath?: string;
  /**
   * Path of the order items (`[{ sku, quantity }]`) in the state input.
   * @default '$.order.items'
   */
  readonly itemsPath?: string;
  /**
   * Where the reservation (`{ orderId, lines, total }`) goes in the state output.
   * @default '$.reservation'
   */
  readonly resultPath?: string;
}

/** JSONPath options of {@link InventoryStep.releaseTask}. */
export interface ReleaseTaskOptions extends StepTaskOptions {
  /**
   * Path of the order id in the state input.
   * @default '$.order.orderId'
   */
  readonly orderIdPath?: string;
  /**
   * Where the release result (`{ orderId, released }`) goes in the state output.
   * @default '$.release'
   */
  readonly resultPath?: string;
}

/** Options of {@link InventoryStep.addApiRoutes}. */
export interface InventoryApiRoutesOptions {
  /**
   * Authorizer of the stock routes. PUT replaces stock outright, so keep these routes admin-only.
   * @default - the HTTP API's default authorizer (e.g. IAM)
   */
  readonly authorizer?: apigwv2.IHttpRouteAuthorizer;
}

/** Path of the stock routes; `{sku}` is the SKU id. */
export const INVENTORY_API_PATH = '/inventory/{sku}';

/** DynamoDB actions the stock API uses: GetItem for GET, PutItem for PUT. */
const API_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem'];

/** DynamoDB actions the handler's adapter uses (TransactWriteItems is authorized per contained action). */
const HANDLER_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];

/**
 * What a workflow uses of the inventory step: its `live` alias, its table, the ready-made Task
 * states and the stock routes. {@link InventoryStep} creates the resources;
 * {@link InventoryStep.fromReference} reads them, in another stack, from the SSM parameters
 * {@link InventoryStep.publishReference} wrote.
 */
export abstract class InventoryStepBase extends Construct {
  /** Stock items (`SKU#<sku>`) and reservations (`RES#<orderId>`). */
  public abstract readonly table: dynamodb.ITableV2;
  /** What this step's Task states invoke: the function's `live` alias. */
  public abstract readonly alias: lambda.IFunction;

  /**
   * This step's widgets for a dashboard: invocations, errors and throttles of the `live` alias and
   * its p50/p99 duration. Built from the alias ARN alone, so a stack that reads the step from its
   * SSM parameters shows the same metrics without referencing the step's stack.
   */
  public dashboardWidgets(): cloudwatch.IWidget[] {
    return stepDashboardWidgets('Inventory', this.alias);
  }

  /** The function behind the stock routes. */
  protected abstract stockApiHandler(): lambda.IFunction;

  /**
   * A task reserving every line of the order: `{ action: 'reserve', orderId, items }` in,
   * `{ orderId, lines, total }` at `resultPath`. Retries `InventoryContention` (1 s, x2, 4 attempts,
   * full jitter, at most 5 s apart); `OutOfStock`, `UnknownSku` and `InvalidInput` are for the caller to catch.
   * @param id construct id, which is also the state name
   */
  public reserveTask(id = 'ReserveInventory', options: ReserveTaskOptions = {}): tasks.LambdaInvoke {
    const task = new tasks.LambdaInvoke(this, id, {
      lambdaFunction: this.alias,
      retryOnServiceExceptions: retriesServiceExceptions(options.retryBudget),
      payload: sfn.TaskInput.fromObject({
        action: 'reserve',
        orderId: sfn.JsonPath.stringAt(options.orderIdPath ?? '$.order.orderId'),
        items: sfn.JsonPath.listAt(options.itemsPath ?? '$.order.items'),
      }),
      resultSelector: {
        orderId: sfn.JsonPath.stringAt('$.Payload.orderId'),
        lines: sfn.JsonPath.listAt('$.Payload.lines'),
        total: sfn.JsonPath.numberAt('$.Payload.total'),
      },
      resultPath: options.resultPath ?? '$.reservation',
    });
    retryLambdaPlatformErrors(task, options.retryBudget);
    addStepRetry(
      task,
      {
        errors: [ErrorName.InventoryContention],
        interval: Duration.seconds(1),
        backoffRate: 2,
        maxAttempts: 4,
        jitterStrategy: sfn.JitterType.FULL,
        maxDelay: Duration.seconds(5),
      },
      options.retryBudget,
    );
    return task;
  }

  /**
   * A compensation task putting an order's stock back: `{ action: 'release', orderId }` in,
   * `{ orderId, released }` at `resultPath`. Release is idempotent, so it retries every error
   * (10 attempts, x2, full jitter, at most 30 s apart) until it succeeds.
   * @param id construct id, which is also the state name (create one per place the workflow compensates)
   */
  public releaseTask(id: string, options: ReleaseTaskOptions = {}): tasks.LambdaInvoke {
    const task = new tasks.LambdaInvoke(this, id, {
      lambdaFunction: this.alias,
      // CDK's service-exception retrier would be listed before the catch-all and match first,
      // giving up after 6 attempts: the catch-all alone covers those errors too.
      retryOnServiceExceptions: false,
      payload: sfn.TaskInput.fromObject({
        action: 'release',
        orderId: sfn.JsonPath.stringAt(options.orderIdPath ?? '$.order.orderId'),
      }),
      resultSelector: {
        orderId: sfn.JsonPath.stringAt('$.Payload.orderId'),
        released: sfn.JsonPath.stringAt('$.Payload.released'),
      },
      resultPath: options.resultPath ?? '$.release',
    });
    // Only the catch-all: it covers Lambda throttling and crashes too (see retryUntilDone).
    retryUntilDone(task, undefined, options.retryBudget);
    return task;
  }

  /**
   * Adds the stock admin routes to `httpApi`: `GET /inventory/{sku}` (200 `{ sku, available,
   * unitPrice }` or 404) and `PUT /inventory/{sku}` with body `{ available, unitPrice }`.
   * Both are served by one function (the step's stock API function, shared by every API this is
   * called with), allowed only `dynamodb:GetItem` and `dynamodb:PutItem` on the table.
   * The routes use the API's default authorizer unless `options.authorizer` is given.
   * @returns the GET and PUT routes
   * @example
   * const api = new apigwv2.HttpApi(this, 'AdminApi', { defaultAuthorizer: new HttpIamAuthorizer() });
   * inventory.addApiRoutes(api);
   */
  public addApiRoutes(httpApi: apigwv2.HttpApi, options: InventoryApiRoutesOptions = {}): apigwv2.HttpRoute[] {
    const fn = this.stockApiHandler();
    // One integration per API: CDK binds an integration to the first API it is used on.
    const integration = new HttpLambdaIntegration('InventoryStockIntegration', fn);
    return httpApi.addRoutes({
      path: INVENTORY_API_PATH,
      methods: [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.PUT],
      integration,
      // Left undefined, the route falls back to the API's default authorizer.
      ...(options.authorizer ? { authorizer: options.authorizer } : {}),
    });
  }

  /** Lets `grantee` read stock (GetItem, BatchGetItem), e.g. a catalogue API. */
  public grantReadStock(grantee: iam.IGrantable): iam.Grant {
    return this.table.grant(grantee, 'dynamodb:GetItem', 'dynamodb:BatchGetItem');
  }

  /** Lets `grantee` seed or replace stock (PutItem), e.g. an admin API. */
  public grantWriteStock(grantee: iam.IGrantable): iam.Grant {
    return this.table.grant(grantee, 'dynamodb:PutItem');
  }
}

/**
 * The inventory step of the order workflow: a stock table, the reserve/release Lambda function
 * (prebuilt bundle) and ready Step Functions tasks with their retry policy.
 *
 * @example
 * const inventory = new InventoryStep(this, 'Inventory');
 * const reserve = inventory.reserveTask(); // state "ReserveInventory", result at $.reservation
 * const release = inventory.releaseTask('ReleaseAfterDecline');
 * reserve.addCatch(markOutOfStock, { errors: ['OutOfStock', 'UnknownSku'], resultPath: '$.error' });
 * inventory.addApiRoutes(adminHttpApi); // GET/PUT /inventory/{sku} for seeding and inspecting stock
 */
export class InventoryStep extends InventoryStepBase {
  /** Stock items (`SKU#<sku>`) and reservations (`RES#<orderId>`). */
  public readonly table: dynamodb.ITableV2;
  /** The function behind every task of this step. */
  public readonly function: lambda.Function;
  /**
   * Alias `live` on the function's current version: what this step's Task states invoke. A
   * workflow in another stack references this stable ARN, so a code change to the step replaces
   * only resources in the step's own stack.
   */
  public readonly alias: lambda.Alias;
  /** Alarms on the `live` alias: error rate, throttles, p99 duration (no actions: add your own). */
  public readonly alarms: StepAlarms;
  /** The CodeDeploy deployment group of the `live` alias and the alarms it watches while shifting traffic. */
  public readonly deployment: StepDeployment;
  private stockApiFunction?: lambda.Function;
  private readonly tracing: lambda.Tracing;

  constructor(scope: Construct, id: string, props: InventoryStepProps = {}) {
    super(scope, id);

    this.table =
      props.table ??
      new dynamodb.TableV2(this, 'Table', {
        partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
        billing: dynamodb.Billing.onDemand(),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        ...tableRetention(this.node.path, props),
      });
    this.tracing = props.functionProps?.tracing ?? lambda.Tracing.ACTIVE;

    // Logs go to the function's own log group, and it may write only there.
    this.function = functionWithOwnLogGroup(this, 'Function', {
      ...FUNCTION_DEFAULTS,
      ...(props.functionProps?.memorySize !== undefined && { memorySize: props.functionProps.memorySize }),
      ...(props.functionProps?.timeout !== undefined && { timeout: props.functionProps.timeout }),
      tracing: this.tracing,
      // Values the construct must own come last so user props cannot break the wiring.
      ...FUNCTION_RUNTIME,
      code: props.code ?? lambda.Code.fromAsset(shippedBundle(DEFAULT_BUNDLE_DIR, '@order-flow/inventory')),
      environment: {
        [INVENTORY_TABLE_NAME_ENV]: this.table.tableName,
        POWERTOOLS_SERVICE_NAME: 'inventory',
      },
    });
    this.alias = new lambda.Alias(this, 'LiveAlias', { aliasName: 'live', version: this.function.currentVersion });
    this.table.grant(this.function, ...HANDLER_ACTIONS);
    acknowledgeSynchronousFunction(this.function, INVOKED_BY_STEP_FUNCTIONS);
    this.alarms = new StepAlarms(this, 'Alarms', { ...props.alarms, alias: this.alias, timeout: props.functionProps?.timeout ?? FUNCTION_DEFAULTS.timeout, step: 'inventory' });
    this.deployment = new StepDeployment(this, 'Deployment', { ...props.deployment, alias: this.alias, timeout: props.functionProps?.timeout ?? FUNCTION_DEFAULTS.timeout, step: 'inventory' });
  }

  /** The stock API function: created by the first {@link addApiRoutes} call, undefined before. */
  public get apiFunction(): lambda.Function | undefined {
    return this.stockApiFunction;
  }

  /** The step name in the SSM naming scheme: `/order-flow/<app>/inventory/<key>`. */
  static readonly REFERENCE_STEP = 'inventory';
  /** The key under which {@link InventoryStep.publishReference} publishes the stock API function ARN. */
  static readonly STOCK_API_FUNCTION_KEY = 'stock-api-function-arn';

  /**
   * The inventory step another stack deployed, read from the SSM parameters its
   * {@link InventoryStep.publishReference} wrote under `/order-flow/<app>/inventory/`: Task states,
   * grants and stock routes then reference CloudFormation parameters resolved at deploy, not an export.
   * @param app the app namespace the step was published under, e.g. `orders`
   */
  public static fromReference(scope: Construct, id: string, app: string): InventoryStepBase {
    return new ReferencedInventoryStep(scope, id, app);
  }

  /**
   * Publishes `live-alias-arn`, `table-name`, `table-arn` and `stock-api-function-arn` as SSM
   * parameters `/order-flow/<app>/inventory/<key>` (construct `Reference`), for
   * {@link InventoryStep.fromReference}. Creates the stock API function ({@link apiFunction}) if
   * no route did yet, so a stack in another deploy can route to it.
   */
  public publishReference(app: string): StepReference {
    return publishStep(this, 'Reference', { app, step: InventoryStep.REFERENCE_STEP }, this, {
      [InventoryStep.STOCK_API_FUNCTION_KEY]: this.stockApiHandler().functionArn,
    });
  }

  protected stockApiHandler(): lambda.Function {
    return (this.stockApiFunction ??= this.createApiFunction());
  }

  private createApiFunction(): lambda.Function {
    const fn = functionWithOwnLogGroup(this, 'ApiFunction', {
      ...FUNCTION_DEFAULTS,
      tracing: this.tracing,
      ...FUNCTION_RUNTIME,
      code: lambda.Code.fromAsset(shippedBundle(API_BUNDLE_DIR, '@order-flow/inventory')),
      environment: {
        [INVENTORY_TABLE_NAME_ENV]: this.table.tableName,
        POWERTOOLS_SERVICE_NAME: 'inventory-api',
      },
    });
    this.table.grant(fn, ...API_ACTIONS);
    acknowledgeSynchronousFunction(fn, INVOKED_BY_API_GATEWAY);
    return fn;
  }
}

/** The inventory step of another stack, read from its published SSM parameters. */
class ReferencedInventoryStep extends InventoryStepBase {
  public readonly table: dynamodb.ITableV2;
  public readonly alias: lambda.IFunction;
  private readonly location: { readonly app: string; readonly step: string };
  private stockApi?: lambda.IFunction;
  constructor(scope: Construct, id: string, app: string) {
    super(scope, id);
    this.location = { app, step: InventoryStep.REFERENCE_STEP };
    ({ alias: this.alias, table: this.table } = lookupStep(this, this.location));
  }
  protected stockApiHandler(): lambda.IFunction {
    return (this.stockApi ??= lookupStepFunction(this, 'StockApiFunction', this.location, InventoryStep.STOCK_API_FUNCTION_KEY));
  }
}
