/**
 * What the local runtime does not emulate, listed when it starts instead of silently given
 * made-up behavior: resource types it does not run, and properties it ignores on the ones it does.
 */
import { targetKindOf } from '../eventbridge/rules.js';
import type { AssemblyStack, TemplateResource } from './assembly.js';
import type { ResourceRef } from './resolver.js';

/** One thing of the assembly the local runtime does not emulate. */
export interface UnsupportedItem {
  /** `resource`: a resource type that is not emulated; `property`: a property ignored on an emulated one. */
  readonly kind: 'resource' | 'property';
  readonly stackName: string;
  readonly logicalId: string;
  /** Construct path, when the template has one. */
  readonly path?: string;
  readonly type: string;
  /** The ignored property (`kind: 'property'`), e.g. `StreamSpecification` or `Targets[0]`. */
  readonly property?: string;
  /** One line for the start-up log, e.g. `Not emulated: AWS::SQS::Queue MyStack/Queue/Resource (...)`. */
  readonly message: string;
}

/** Resource types the runtime runs (or resolves to what it runs). */
export const EMULATED_RESOURCE_TYPES: ReadonlySet<string> = new Set([
  'AWS::DynamoDB::Table',
  'AWS::DynamoDB::GlobalTable',
  'AWS::Lambda::Function',
  'AWS::Lambda::Version',
  'AWS::Lambda::Alias',
  'AWS::StepFunctions::StateMachine',
  'AWS::Events::EventBus',
  'AWS::Events::Rule',
  'AWS::Scheduler::Schedule',
  'AWS::ApiGatewayV2::Api',
  'AWS::ApiGatewayV2::Route',
  'AWS::ApiGatewayV2::Integration',
  'AWS::ApiGatewayV2::Stage',
  'AWS::SSM::Parameter',
]);

/**
 * Resource types accepted without effect and not listed: locally nothing is authorized (IAM,
 * Lambda permissions), function logs go to the `functionLogs` option, and CDK metadata is metadata.
 */
export const ACCEPTED_RESOURCE_TYPES: ReadonlySet<string> = new Set([
  'AWS::CDK::Metadata',
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::Lambda::Permission',
  'AWS::Logs::LogGroup',
  'AWS::ApiGatewayV2::Deployment',
]);

/** What a resource of a type that is not emulated still does locally. */
const RESOURCE_NOTES: Readonly<Record<string, string>> = {
  'AWS::SQS::Queue': 'sqs:sendMessage tasks record their messages in runtime.messages; nothing receives them',
  'AWS::SNS::Topic': 'sns:publish tasks record their messages in runtime.messages; nobody is notified',
  'AWS::CloudWatch::Alarm': 'no metrics or actions; runtime.deployNewVersion evaluates it from recorded invocations when a deployment group names it',
  'AWS::CodeDeploy::Application': 'runtime.deployNewVersion runs its Lambda deployments',
  'AWS::CodeDeploy::DeploymentGroup': 'runtime.deployNewVersion runs its Lambda deployments (traffic shifting, alarms, automatic rollback); the template aliases start as synthesized',
  'AWS::CodeDeploy::DeploymentConfig': 'runtime.deployNewVersion shifts traffic by it',
};

/** Properties of emulated types that change behavior on AWS and are ignored locally, with why. */
const IGNORED_PROPERTIES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'AWS::DynamoDB::Table': {
    StreamSpecification: 'no stream records are produced',
    KinesisStreamSpecification: 'no Kinesis records are produced',
    TimeToLiveSpecification: 'expired items are not deleted',
    ProvisionedThroughput: 'the table is on-demand locally: capacity is never exceeded (use faults.dynamodb for throttling)',
    ImportSourceSpecification: 'the table starts empty',
  },
  'AWS::DynamoDB::GlobalTable': {
    StreamSpecification: 'no stream records are produced',
    TimeToLiveSpecification: 'expired items are not deleted',
    WriteProvisionedThroughputSettings: 'the table is on-demand locally: capacity is never exceeded',
  },
  'AWS::Lambda::Function': {
    VpcConfig: 'the function runs on the host network',
    Layers: 'layers are not loaded: only the function bundle is on the module path',
    DeadLetterConfig: 'failed asynchronous events are not sent anywhere',
    FileSystemConfigs: 'no EFS file system is mounted',
    TracingConfig: 'no X-Ray traces are recorded',
    SnapStart: 'cold starts are not snapshotted',
    CodeSigningConfigArn: 'code signatures are not checked',
  },
  'AWS::StepFunctions::StateMachine': {
    LoggingConfiguration: 'execution logs are not written (read the history instead)',
    TracingConfiguration: 'no X-Ray traces are recorded',
  },
  'AWS::ApiGatewayV2::Api': {
    CorsConfiguration: 'CORS headers and preflight requests are not handled',
  },
  'AWS::ApiGatewayV2::Stage': {
    AccessLogSettings: 'no access log is written',
    DefaultRouteSettings: 'throttling and detailed metrics are not applied',
    RouteSettings: 'throttling and detailed metrics are not applied',
  },
};

/** Resolves a template value of a stack (`AssemblyResolver` fits). */
export interface UnsupportedResolver {
  resolve(stack: AssemblyStack, value: unknown): unknown;
}

/**
 * Lists what the runtime does not emulate among the active resources, in template order: one
 * item per resource of a type it does not run and per ignored property of one it does.
 */
export function unsupportedInAssembly(active: readonly ResourceRef[], resolver: UnsupportedResolver): UnsupportedItem[] {
  const items: UnsupportedItem[] = [];
  for (const { stack, resource } of active) {
    const where = { stackName: stack.stackName, logicalId: resource.logicalId, ...(resource.path !== undefined && { path: resource.path }), type: resource.type };
    const label = `${resource.type} ${resource.path ?? `${stack.stackName}/${resource.logicalId}`}`;
    if (!EMULATED_RESOURCE_TYPES.has(resource.type)) {
      if (ACCEPTED_RESOURCE_TYPES.has(resource.type)) continue;
      const note = RESOURCE_NOTES[resource.type] ?? (resource.type.startsWith('Custom::') || resource.type === 'AWS::CloudFormation::CustomResource' ? 'its provider does not run' : 'it does nothing locally');
      items.push({ kind: 'resource', ...where, message: `Not emulated: ${label}: ${note}; Ref and Fn::GetAtt resolve to local placeholder names` });
      continue;
    }
    for (const [property, why] of Object.entries(IGNORED_PROPERTIES[resource.type] ?? {})) {
      if (isSet(resource.properties[property])) items.push({ kind: 'property', ...where, property, message: `Ignored: ${property} of ${label}: ${why}` });
    }
    items.push(...specialCases(stack, resource, resolver, where, label));
  }
  return items;
}

/** How many construct paths a summary line names before it says how many more there are. */
const NAMED_IN_SUMMARY = 3;

/**
 * The start-up log's lines for `items`: one per item, except that items saying the same thing of
 * the same type (e.g. every `AWS::CloudWatch::Alarm` of an app: 18 in the order workflow) make
 * one line that counts them and names the first few, so what the runtime does not emulate stays
 * readable. The items themselves (`runtime.unsupported`) are not merged.
 */
export function unsupportedLogLines(items: readonly UnsupportedItem[]): string[] {
  const groups = new Map<string, { first: UnsupportedItem; labels: string[] }>();
  for (const item of items) {
    const label = labelOf(item);
    // The message with this item's construct path taken out: the same for items that say the same thing.
    const key = item.message.replace(` ${label.slice(item.type.length + 1)}`, '');
    const group = groups.get(key);
    if (group) group.labels.push(label);
    else groups.set(key, { first: item, labels: [label] });
  }
  return [...groups.values()].map(({ first, labels }) => {
    if (labels.length === 1) return first.message;
    const paths = labels.map((label) => label.slice(first.type.length + 1));
    const named = paths.slice(0, NAMED_IN_SUMMARY).join(', ') + (paths.length > NAMED_IN_SUMMARY ? ` and ${paths.length - NAMED_IN_SUMMARY} more` : '');
    return first.message.replace(labelOf(first), `${labels.length} × ${first.type} (${named})`);
  });
}

/** `<type> <construct path>`, as the item's message names it. */
function labelOf(item: UnsupportedItem): string {
  return `${item.type} ${item.path ?? `${item.stackName}/${item.logicalId}`}`;
}

type Where = Omit<UnsupportedItem, 'kind' | 'property' | 'message'>;

function specialCases(stack: AssemblyStack, resource: TemplateResource, resolver: UnsupportedResolver, where: Where, label: string): UnsupportedItem[] {
  const items: UnsupportedItem[] = [];
  const property = (name: string, why: string) => items.push({ kind: 'property', ...where, property: name, message: `Ignored: ${name} of ${label}: ${why}` });
  const props = resource.properties;
  if (resource.type === 'AWS::ApiGatewayV2::Route' && isSet(props.AuthorizationType) && props.AuthorizationType !== 'NONE') {
    property('AuthorizationType', `${String(resolver.resolve(stack, props.AuthorizationType))} authorization is not enforced: every request is let through`);
  }
  if (resource.type === 'AWS::Events::Rule' && Array.isArray(props.Targets)) {
    for (const [i, target] of (props.Targets as Record<string, unknown>[]).entries()) {
      const arn = resolver.resolve(stack, target.Arn);
      if (typeof arn === 'string' && targetKindOf(arn) === 'unsupported') property(`Targets[${i}]`, `target ${arn} is not emulated: matching events are recorded as failed deliveries`);
      for (const key of ['DeadLetterConfig', 'SqsParameters', 'EcsParameters', 'KinesisParameters', 'HttpParameters', 'BatchParameters']) {
        if (isSet(target[key])) property(`Targets[${i}].${key}`, 'not emulated');
      }
    }
  }
  if (resource.type === 'AWS::Scheduler::Schedule') {
    const target = props.Target as Record<string, unknown> | undefined;
    if (target && isSet(target.DeadLetterConfig)) property('Target.DeadLetterConfig', 'failed invocations are not sent anywhere');
  }
  return items;
}

/** Set, and not `{"Ref": "AWS::NoValue"}`. */
function isSet(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  return !(typeof value === 'object' && (value as { Ref?: unknown }).Ref === 'AWS::NoValue');
}
