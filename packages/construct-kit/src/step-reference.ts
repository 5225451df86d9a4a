/**
 * Weak references between independently deployed stacks, through SSM parameters.
 *
 * A CloudFormation export that another stack imports (`Fn::ImportValue`) can be neither changed
 * nor deleted: a step team replacing its function or alias would first have to deploy the
 * workflow without the import, then its own stack, then the workflow again. Instead a step stack
 * publishes what others need as SSM String parameters, and a consumer reads them at deploy time
 * through a CloudFormation parameter of type `AWS::SSM::Parameter::Value<String>`: the value is
 * copied when the consumer deploys, nothing is locked, and the step stack may replace its
 * function and alias in one deploy (the consumer picks the new ARN up on its next deploy).
 *
 * Naming scheme: `/order-flow/<app>/<step>/<key>`, e.g. `/order-flow/orders/payment/live-alias-arn`.
 */
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';

/** First segment of every parameter a step publishes. */
export const STEP_REFERENCE_ROOT = '/order-flow';

/** Keys every step publishes (a step may publish more, e.g. `stock-api-function-arn`). */
export const StepReferenceKey = {
  /** ARN of the step function's `live` alias: what the workflow's Task states invoke. */
  LIVE_ALIAS_ARN: 'live-alias-arn',
  /** Name of the step's DynamoDB table. */
  TABLE_NAME: 'table-name',
  /** ARN of the step's DynamoDB table (IAM policies are scoped to it). */
  TABLE_ARN: 'table-arn',
} as const;

/** One segment of a parameter name: lower-case letters, digits and dashes, starting with a letter. */
const SEGMENT = /^[a-z][a-z0-9-]{0,62}$/;

/** Where a step's references live: `/order-flow/<app>/<step>/...`. */
export interface StepReferenceLocation {
  /**
   * The application the step belongs to (one namespace per app and account/region), e.g. `orders`.
   * Lower-case letters, digits and dashes, starting with a letter.
   */
  readonly app: string;
  /** The step, e.g. `inventory`, `payment`, `order-status`. Same rule as `app`. */
  readonly step: string;
}

/**
 * The SSM parameter name of one value a step publishes: `/order-flow/<app>/<step>/<key>`.
 *
 * @throws Error naming the field (`app`, `step` or `key`) and the rule when a segment is not
 *   lower-case letters, digits and dashes starting with a letter (at most 63 characters)
 * @example stepParameterName({ app: 'orders', step: 'payment' }, 'live-alias-arn') // '/order-flow/orders/payment/live-alias-arn'
 */
export function stepParameterName(location: StepReferenceLocation, key: string): string {
  for (const [field, value] of [['app', location.app], ['step', location.step], ['key', key]] as const) {
    if (typeof value !== 'string' || !SEGMENT.test(value)) {
      throw new Error(
        `StepReference: ${field} '${String(value)}' is not a valid parameter name segment: use lower-case letters, digits and dashes, ` +
          'starting with a letter, at most 63 characters',
      );
    }
  }
  return `${STEP_REFERENCE_ROOT}/${location.app}/${location.step}/${key}`;
}

/** Props of {@link StepReference}. */
export interface StepReferenceProps extends StepReferenceLocation {
  /**
   * The values to publish by key (`live-alias-arn`, `table-name`, ...); usually tokens of the
   * step's own resources. Each becomes the parameter `/order-flow/<app>/<step>/<key>`.
   */
  readonly values: Readonly<Record<string, string>>;
}

/**
 * Publishes a step's references as SSM String parameters (one `AWS::SSM::Parameter` per key,
 * construct id = the key) in the step's own stack. Read them elsewhere with
 * {@link StepReference.lookupValue}.
 *
 * @example
 * new StepReference(this, 'Reference', {
 *   app: 'orders', step: 'payment',
 *   values: { [StepReferenceKey.LIVE_ALIAS_ARN]: alias.functionArn, [StepReferenceKey.TABLE_NAME]: table.tableName },
 * });
 */
export class StepReference extends Construct {
  /** The parameters created, by key. */
  public readonly parameters: Readonly<Record<string, ssm.StringParameter>>;

  constructor(scope: Construct, id: string, props: StepReferenceProps) {
    super(scope, id);
    const keys = Object.keys(props.values);
    if (keys.length === 0) throw new Error(`${this.node.path}: StepReference needs at least one entry in values`);
    const parameters: Record<string, ssm.StringParameter> = {};
    for (const key of keys) {
      const parameterName = stepParameterName(props, key);
      parameters[key] = new ssm.StringParameter(this, key, {
        parameterName,
        stringValue: props.values[key]!,
        description: `Order Flow: ${key} of the ${props.step} step, read by the stacks that use it at their deploy (weak reference, no export)`,
      });
    }
    this.parameters = parameters;
  }

  /**
   * The value a step published, as a token of the consumer's stack: a CloudFormation parameter
   * of type `AWS::SSM::Parameter::Value<String>` whose default is the parameter name, resolved
   * by CloudFormation when the consumer deploys (one template parameter per name and stack).
   *
   * @param scope any construct of the consuming stack
   * @throws Error naming the field when `app`, `step` or `key` breaks the naming rule
   */
  public static lookupValue(scope: Construct, location: StepReferenceLocation, key: string): string {
    return ssm.StringParameter.valueForStringParameter(scope, stepParameterName(location, key));
  }
}

/** A step as a consuming stack sees it: its `live` alias and its table. */
export interface PublishedStep {
  /** The step function's `live` alias (an imported function: its ARN is the alias ARN). */
  readonly alias: lambda.IFunction;
  /** The step's table. */
  readonly table: dynamodb.ITableV2;
}

/**
 * Publishes the references every step shares (`live-alias-arn`, `table-name`, `table-arn`) plus
 * `extra` ones, as a {@link StepReference} with construct id `id` under `scope`.
 */
export function publishStep(
  scope: Construct,
  id: string,
  location: StepReferenceLocation,
  step: PublishedStep,
  extra: Readonly<Record<string, string>> = {},
): StepReference {
  return new StepReference(scope, id, {
    ...location,
    values: {
      [StepReferenceKey.LIVE_ALIAS_ARN]: step.alias.functionArn,
      [StepReferenceKey.TABLE_NAME]: step.table.tableName,
      [StepReferenceKey.TABLE_ARN]: step.table.tableArn,
      ...extra,
    },
  });
}

/**
 * The step a {@link publishStep} call published, read in the consuming stack: the alias and
 * table are imported (`LiveAlias`, `Table` under `scope`) from the SSM-resolved ARNs,
 * so grants and Task states reference CloudFormation parameters, never another stack's export.
 */
export function lookupStep(scope: Construct, location: StepReferenceLocation): PublishedStep {
  const value = (key: string) => StepReference.lookupValue(scope, location, key);
  return {
    alias: importAlias(scope, 'LiveAlias', value(StepReferenceKey.LIVE_ALIAS_ARN)),
    // From the ARN alone (CDK takes one or the other): the name is the ARN's last segment.
    table: dynamodb.TableV2.fromTableArn(scope, 'Table', value(StepReferenceKey.TABLE_ARN)),
  };
}

/**
 * An alias (a qualified function ARN) read from a parameter, as an imported function.
 * `sameEnvironment`: it is in this account and region, so lambda permissions may be added.
 * Invoke grants name exactly that ARN, as `lambda.Alias` grants: an imported function would also
 * grant `<arn>:*` (its versions and aliases), which an alias ARN does not need.
 */
function importAlias(scope: Construct, id: string, aliasArn: string): lambda.IFunction {
  const alias = lambda.Function.fromFunctionAttributes(scope, id, { functionArn: aliasArn, sameEnvironment: true });
  Object.defineProperty(alias, 'resourceArnsForGrantInvoke', { value: [alias.functionArn] });
  return alias;
}

/** Reads one extra function ARN a step published (e.g. `stock-api-function-arn`) as an imported function. */
export function lookupStepFunction(scope: Construct, id: string, location: StepReferenceLocation, key: string): lambda.IFunction {
  return lambda.Function.fromFunctionAttributes(scope, id, { functionArn: StepReference.lookupValue(scope, location, key), sameEnvironment: true });
}
