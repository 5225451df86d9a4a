import { Duration } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { Construct } from 'constructs';
import {
  INVOKED_BY_API_GATEWAY,
  lookupStepFunction,
  payloadFields,
  publishStep,
  shippedBundle,
  StepBase,
  stepSkeleton,
  synchronousFunction,
  type OrderTaskOptions,
  type StepReference,
  type StepReferenceLocation,
  type StepSkeleton,
  type StepSkeletonProps,
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

/** Properties of {@link InventoryStep}; the props every step shares are documented in {@link StepSkeletonProps}. */
export interface InventoryStepProps extends StepSkeletonProps {
  /**
   * A table to keep stock and reservations in (partition key `pk`, type string).
   * @default - a new on-demand TableV2 with point-in-time recovery and deletion protection
   */
  readonly table?: dynamodb.ITableV2;
  /**
   * Deletion protection of the table this construct creates: stock and open reservations are
   * live data, so deleting the table must be a deliberate two-step act. `true` together with
   * `RemovalPolicy.DESTROY` is an error (CloudFormation could not delete the table, and
   * `cdk destroy` would fail). Not allowed together with `table` (it would have no effect).
   * @default - true; false with `removalPolicy: RemovalPolicy.DESTROY`
   */
  readonly deletionProtection?: boolean;
  /**
   * Sizing and tracing of the inventory functions (the stock API function shares the tracing).
   * @default - 256 MiB, 10 seconds, active X-Ray tracing
   */
  readonly functionProps?: InventoryFunctionProps;
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

/**
 * JSONPath options of {@link InventoryStep.releaseTask}: `orderIdPath`, the order id in the state
 * input, @default '$.order.orderId'; `resultPath`, where the release result (`{ orderId, released }`)
 * goes in the state output, @default '$.release'.
 */
export type ReleaseTaskOptions = OrderTaskOptions;

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
 * {@link InventoryStep.publishReference} wrote. Its `table` holds stock items (`SKU#<sku>`) and
 * reservations (`RES#<orderId>`).
 */
export abstract class InventoryStepBase extends StepBase {
  /** Names this step on its dashboard widgets. */
  protected readonly dashboardTitle = 'Inventory';

  /** The function behind the stock routes. */
  protected abstract stockApiHandler(): lambda.IFunction;

  /**
   * A task reserving every line of the order: `{ action: 'reserve', orderId, items }` in,
   * `{ orderId, lines, total }` at `resultPath`. Retries `InventoryContention` (1 s, x2, 4 attempts,
   * full jitter, at most 5 s apart); `OutOfStock`, `UnknownSku` and `InvalidInput` are for the caller to catch.
   * @param id construct id, which is also the state name
   */
  public reserveTask(id = 'ReserveInventory', options: ReserveTaskOptions = {}): tasks.LambdaInvoke {
    return this.forwardInvoke(id, options, 'reserve', {
      payload: {
        orderId: sfn.JsonPath.stringAt(options.orderIdPath ?? '$.order.orderId'),
        items: sfn.JsonPath.listAt(options.itemsPath ?? '$.order.items'),
      },
      resultSelector: payloadFields('orderId', 'lines', 'total'),
      resultPath: options.resultPath ?? '$.reservation',
      retries: [
        {
          errors: [ErrorName.InventoryContention],
          interval: Duration.seconds(1),
          backoffRate: 2,
          maxAttempts: 4,
          jitterStrategy: sfn.JitterType.FULL,
          maxDelay: Duration.seconds(5),
        },
      ],
    });
  }

  /**
   * A compensation task putting an order's stock back: `{ action: 'release', orderId }` in,
   * `{ orderId, released }` at `resultPath`. Release is idempotent, so it retries every error
   * (10 attempts, x2, full jitter, at most 30 s apart) until it succeeds.
   * @param id construct id, which is also the state name (create one per place the workflow compensates)
   */
  public releaseTask(id: string, options: ReleaseTaskOptions = {}): tasks.LambdaInvoke {
    return this.compensationInvoke(id, options, 'release', {
      payload: { orderId: sfn.JsonPath.stringAt(options.orderIdPath ?? '$.order.orderId') },
      resultSelector: payloadFields('orderId', 'released'),
      resultPath: options.resultPath ?? '$.release',
    });
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
 * The resources of {@link InventoryStep}: those of the step skeleton it is built on ({@link StepSkeleton}:
 * `table`, `function`, `alias`, `alarms`, `deployment`), declared once there, not again per step.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface InventoryStep extends StepSkeleton {
  /**
   * Alias `live` on the function's current version: what this step's Task states invoke. A
   * workflow in another stack references this stable ARN, so a code change to the step replaces
   * only resources in the step's own stack.
   */
  readonly alias: lambda.Alias;
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
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class InventoryStep extends InventoryStepBase {
  private stockApiFunction?: lambda.Function;
  /** The step's tracing setting, which the stock API function shares (undefined: the kit's default). */
  private readonly tracing: lambda.Tracing | undefined;

  constructor(scope: Construct, id: string, props: InventoryStepProps = {}) {
    super(scope, id);
    const { table, function: fn } = Object.assign(this, stepSkeleton(this, { step: InventoryStep.REFERENCE_STEP, partitionKey: 'pk', tableNameEnv: INVENTORY_TABLE_NAME_ENV, bundle: DEFAULT_BUNDLE_DIR }, props));
    this.tracing = props.functionProps?.tracing;
    table.grant(fn, ...HANDLER_ACTIONS);
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
    return new ReferencedInventoryStep(scope, id, { app, step: InventoryStep.REFERENCE_STEP });
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
    const fn = synchronousFunction(this, 'ApiFunction', {
      code: lambda.Code.fromAsset(shippedBundle(API_BUNDLE_DIR, '@order-flow/inventory')),
      functionProps: { tracing: this.tracing },
      environment: {
        [INVENTORY_TABLE_NAME_ENV]: this.table.tableName,
        POWERTOOLS_SERVICE_NAME: 'inventory-api',
      },
      invokedBy: INVOKED_BY_API_GATEWAY,
    });
    this.table.grant(fn, ...API_ACTIONS);
    return fn;
  }
}

/** The inventory step of another stack, read from its published SSM parameters. */
class ReferencedInventoryStep extends InventoryStepBase {
  private stockApi?: lambda.IFunction;
  constructor(
    scope: Construct,
    id: string,
    private readonly location: StepReferenceLocation,
  ) {
    super(scope, id, location);
  }
  protected stockApiHandler(): lambda.IFunction {
    return (this.stockApi ??= lookupStepFunction(this, 'StockApiFunction', this.location, InventoryStep.STOCK_API_FUNCTION_KEY));
  }
}
