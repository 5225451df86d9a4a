import { randomBytes, randomUUID } from 'node:crypto';
import type { AssemblyStack, CloudAssembly, TemplateResource } from './assembly.js';
import { LocalParameterStore, ParameterNotFoundError } from '../ssm/parameter-store.js';
import { evaluateCondition, resolveIntrinsics, NO_VALUE, UnresolvableError, type IntrinsicScope } from './intrinsics.js';

/** The account and region the assembly is "deployed" to locally. */
export interface Environment {
  /** @default 'us-east-1' */
  readonly region: string;
  /** @default '000000000000' */
  readonly accountId: string;
  /** @default 'aws' */
  readonly partition: string;
  /** @default 'amazonaws.com' */
  readonly urlSuffix: string;
}

/** Default local environment. */
export const DEFAULT_ENVIRONMENT: Environment = {
  region: 'us-east-1',
  accountId: '000000000000',
  partition: 'aws',
  urlSuffix: 'amazonaws.com',
};

interface Names {
  readonly name: string;
  readonly env: Environment;
}

/** How a resource type names itself, what `Ref` returns and which attributes it has. */
interface TypeRule {
  /** Property holding a user-chosen physical name. */
  readonly nameProperty?: string;
  readonly maxLength: number;
  readonly lowerCase?: boolean;
  readonly ref: (n: Names) => string;
  readonly attributes: Record<string, (n: Names) => unknown>;
}

const arnOf = (service: string, resource: (n: Names) => string, global = false) => (n: Names) =>
  `arn:${n.env.partition}:${service}:${global ? '' : n.env.region}:${n.env.accountId}:${resource(n)}`;

const tableArn = arnOf('dynamodb', (n) => `table/${n.name}`);
const table: TypeRule = {
  nameProperty: 'TableName',
  maxLength: 255,
  ref: (n) => n.name,
  attributes: {
    Arn: tableArn,
    // A fixed label keeps the ARN stable for the whole run; streams are not emulated.
    StreamArn: (n) => `${tableArn(n)}/stream/1970-01-01T00:00:00.000`,
    TableId: (n) => n.name,
  },
};
const functionArn = arnOf('lambda', (n) => `function:${n.name}`);
const stateMachineArn = arnOf('states', (n) => `stateMachine:${n.name}`);
const roleArn = arnOf('iam', (n) => `role/${n.name}`, true);
const logGroupArn = arnOf('logs', (n) => `log-group:${n.name}:*`);
const queueArn = arnOf('sqs', (n) => n.name);
const topicArn = arnOf('sns', (n) => n.name);
const busArn = arnOf('events', (n) => `event-bus/${n.name}`);

const TYPE_RULES: Record<string, TypeRule> = {
  'AWS::DynamoDB::Table': table,
  'AWS::DynamoDB::GlobalTable': table,
  'AWS::Lambda::Function': { nameProperty: 'FunctionName', maxLength: 64, ref: (n) => n.name, attributes: { Arn: functionArn } },
  'AWS::StepFunctions::StateMachine': {
    nameProperty: 'StateMachineName',
    maxLength: 80,
    ref: stateMachineArn,
    attributes: { Arn: stateMachineArn, Name: (n) => n.name, StateMachineRevisionId: stateMachineArn },
  },
  'AWS::StepFunctions::Activity': { nameProperty: 'Name', maxLength: 80, ref: arnOf('states', (n) => `activity:${n.name}`), attributes: { Name: (n) => n.name } },
  'AWS::IAM::Role': { nameProperty: 'RoleName', maxLength: 64, ref: (n) => n.name, attributes: { Arn: roleArn, RoleId: (n) => `AROA${n.name.toUpperCase().slice(-16)}` } },
  'AWS::IAM::Policy': { nameProperty: 'PolicyName', maxLength: 128, ref: (n) => n.name, attributes: { Id: (n) => n.name } },
  'AWS::IAM::ManagedPolicy': { nameProperty: 'ManagedPolicyName', maxLength: 128, ref: arnOf('iam', (n) => `policy/${n.name}`, true), attributes: { PolicyArn: arnOf('iam', (n) => `policy/${n.name}`, true) } },
  'AWS::Logs::LogGroup': { nameProperty: 'LogGroupName', maxLength: 512, ref: (n) => n.name, attributes: { Arn: logGroupArn } },
  'AWS::S3::Bucket': {
    nameProperty: 'BucketName',
    maxLength: 63,
    lowerCase: true,
    ref: (n) => n.name,
    attributes: {
      Arn: (n) => `arn:${n.env.partition}:s3:::${n.name}`,
      DomainName: (n) => `${n.name}.s3.${n.env.urlSuffix}`,
      RegionalDomainName: (n) => `${n.name}.s3.${n.env.region}.${n.env.urlSuffix}`,
    },
  },
  'AWS::SQS::Queue': {
    nameProperty: 'QueueName',
    maxLength: 80,
    ref: (n) => `https://sqs.${n.env.region}.${n.env.urlSuffix}/${n.env.accountId}/${n.name}`,
    attributes: { Arn: queueArn, QueueName: (n) => n.name, QueueUrl: (n) => `https://sqs.${n.env.region}.${n.env.urlSuffix}/${n.env.accountId}/${n.name}` },
  },
  'AWS::SNS::Topic': { nameProperty: 'TopicName', maxLength: 256, ref: topicArn, attributes: { TopicArn: topicArn, TopicName: (n) => n.name } },
  'AWS::Events::EventBus': { nameProperty: 'Name', maxLength: 256, ref: (n) => n.name, attributes: { Arn: busArn, Name: (n) => n.name } },
  'AWS::Events::Rule': { nameProperty: 'Name', maxLength: 64, ref: (n) => n.name, attributes: { Arn: arnOf('events', (n) => `rule/${n.name}`) } },
  // Type and Value are read from the resource's properties (see attributeOf).
  'AWS::SSM::Parameter': { nameProperty: 'Name', maxLength: 2048, ref: (n) => n.name, attributes: {} },
};

/**
 * The bootstrap version parameter every CDK stack reads (`BootstrapVersion`), published on AWS by
 * `cdk bootstrap`'s CDKToolkit stack. The local environment counts as bootstrapped: it answers
 * with a stand-in version that passes the templates' CheckBootstrapVersion rule (at least 6).
 */
const BOOTSTRAP_VERSION_PARAMETER = /^\/cdk-bootstrap\/[^/]+\/version$/;
const LOCAL_BOOTSTRAP_VERSION = '30';

/** `AWS::SSM::Parameter::Value<String>` and the list forms: CloudFormation reads the parameter at deploy. */
const SSM_PARAMETER_TYPE = /^AWS::SSM::Parameter::Value<(.+)>$/;

/** A resolved reference to a resource of the assembly. */
export interface ResourceRef {
  readonly stack: AssemblyStack;
  readonly resource: TemplateResource;
}

/**
 * Resolves template values of a whole cloud assembly: physical names (generated once and kept
 * for the resolver's life), `Ref`/`Fn::GetAtt` per resource type, pseudo parameters, parameter
 * defaults, Conditions, cross-stack `Fn::ImportValue`, and SSM parameters: stacks start in
 * dependency order, each putting its `AWS::SSM::Parameter` resources in {@link parameters}, and a
 * template parameter of type `AWS::SSM::Parameter::Value<String>` reads that store, as
 * CloudFormation does at deploy.
 */
export class AssemblyResolver {
  /** The local SSM Parameter Store the stacks publish to (see {@link startStacks}). */
  readonly parameters = new LocalParameterStore();
  /** Stacks whose parameters are published, in start order; undefined before {@link startStacks}. */
  private started?: Set<AssemblyStack>;
  /** SSM-typed template parameter values, resolved once when their stack starts (as at deploy). */
  private readonly ssmValues = new Map<string, unknown>();
  private readonly names = new Map<string, string>();
  private readonly versions = new Map<string, number>();
  private readonly conditions = new Map<string, boolean>();
  private exportsByName?: Map<string, { stack: AssemblyStack; outputKey: string }>;
  private readonly resolvingExports = new Set<string>();
  private readonly stackIds = new Map<string, string>();

  /**
   * @param assembly the cloud assembly read from disk
   * @param env account/region to resolve pseudo parameters and ARNs with
   * @param randomSuffix source of the random part of generated names
   */
  constructor(
    readonly assembly: CloudAssembly,
    readonly env: Environment = DEFAULT_ENVIRONMENT,
    private readonly randomSuffix: () => string = defaultSuffix,
  ) {}

  /** Finds a stack by stack name or artifact id. */
  stack(name: string): AssemblyStack {
    const stack = this.assembly.stacks.find((s) => s.stackName === name || s.artifactId === name);
    if (!stack) {
      throw new UnresolvableError(`No stack named '${name}' in the assembly (stacks: ${this.assembly.stacks.map((s) => s.stackName).join(', ')})`);
    }
    return stack;
  }

  /** Resolves every intrinsic function in `value` in the context of `stack`. */
  resolve(stack: AssemblyStack, value: unknown): unknown {
    return resolveIntrinsics(value, this.scope(stack));
  }

  /**
   * Starts the stacks in dependency order (`manifest.json` dependencies, else manifest order):
   * each puts its active `AWS::SSM::Parameter` resources in {@link parameters}, so a stack reads
   * only what the stacks it depends on published. Runs once; later calls return the same order.
   * An SSM-typed template parameter read before this starts the stacks first.
   * @returns the stacks in start order
   * @throws ParameterNotFoundError when a stack reads a parameter no earlier stack published
   */
  startStacks(): AssemblyStack[] {
    if (this.started) return [...this.started];
    const started = (this.started = new Set());
    try {
      for (const stack of this.startOrder()) {
        // Like CloudFormation at deploy: the stack's SSM-typed parameters are read first, from what
        // the stacks started before it published.
        for (const [name, parameter] of Object.entries(stack.template.Parameters ?? {})) {
          const ssmType = parameter.Type?.match(SSM_PARAMETER_TYPE);
          if (ssmType) this.ssmParameterValue(stack, name, ssmType[0], parameter.Default);
        }
        for (const resource of stack.resources.values()) {
          if (resource.type !== 'AWS::SSM::Parameter' || !this.isActive(stack, resource)) continue;
          const value = this.resolve(stack, resource.properties.Value);
          const type = this.resolve(stack, resource.properties.Type);
          this.parameters.put({
            name: this.physicalName(stack, resource.logicalId),
            value: Array.isArray(value) ? value.join(',') : String(value),
            type: typeof type === 'string' ? type : 'String',
            publishedBy: { stackName: stack.stackName, logicalId: resource.logicalId, ...(resource.path !== undefined && { path: resource.path }) },
          });
        }
        started.add(stack);
      }
    } catch (error) {
      // A start that failed did not happen: the next call tries again (and fails the same way).
      this.started = undefined;
      this.ssmValues.clear();
      throw error;
    }
    return [...this.started];
  }

  /** Stacks sorted so that each comes after the stacks it depends on (stable on manifest order). */
  private startOrder(): AssemblyStack[] {
    const stacks = this.assembly.stacks;
    const byId = new Map(stacks.map((stack) => [stack.artifactId, stack]));
    const order: AssemblyStack[] = [];
    const visiting = new Set<AssemblyStack>();
    const visit = (stack: AssemblyStack) => {
      if (order.includes(stack) || visiting.has(stack)) return; // CDK refuses cycles; never loop on one
      visiting.add(stack);
      for (const id of stack.dependencies ?? []) {
        const dependency = byId.get(id);
        if (dependency) visit(dependency);
      }
      visiting.delete(stack);
      order.push(stack);
    };
    stacks.forEach(visit);
    return order;
  }

  /** The value of template parameter `name` of `stack`, typed `AWS::SSM::Parameter::Value<T>`. */
  private ssmParameterValue(stack: AssemblyStack, name: string, valueType: string, parameterName: unknown): unknown {
    if (typeof parameterName !== 'string') {
      throw new UnresolvableError(`Parameter '${name}' of stack ${stack.stackName} (${valueType}) has no Default naming the SSM parameter to read`);
    }
    const key = `${stack.stackName}/${name}`;
    if (!this.started) this.startStacks();
    if (this.ssmValues.has(key)) return this.ssmValues.get(key);
    if (BOOTSTRAP_VERSION_PARAMETER.test(parameterName) && !this.parameters.get(parameterName)) {
      this.parameters.put({ name: parameterName, value: LOCAL_BOOTSTRAP_VERSION, type: 'String' });
    }
    const found = this.parameters.get(parameterName);
    if (!found) throw new ParameterNotFoundError(this.missingParameterMessage(stack, name, parameterName));
    const value = /List<|CommaDelimitedList/.test(valueType) ? found.value.split(',') : found.value;
    this.ssmValues.set(key, value);
    return value;
  }

  private missingParameterMessage(stack: AssemblyStack, name: string, parameterName: string): string {
    const reader = `Stack ${stack.stackName} reads SSM parameter '${parameterName}' (template parameter ${name}) at deploy, but it does not exist`;
    for (const other of this.assembly.stacks) {
      for (const resource of other.resources.values()) {
        if (resource.type !== 'AWS::SSM::Parameter') continue;
        let published: unknown;
        try {
          published = this.resolve(other, resource.properties.Name);
        } catch {
          continue;
        }
        if (published !== parameterName) continue;
        const publisher = `stack ${other.stackName} publishes it (${resource.path ?? resource.logicalId})`;
        if (!this.isActive(other, resource)) return `${reader}: ${publisher} only when its Condition ${resource.condition} holds, and it does not`;
        return `${reader} yet: ${publisher} but starts later; make ${stack.stackName} depend on ${other.stackName} (stack.addStackDependency)`;
      }
    }
    return `${reader}: no stack of the assembly publishes it (an AWS::SSM::Parameter with Name '${parameterName}'); deploy the stack that does first`;
  }

  /** Whether a resource exists once its `Condition` (if any) is evaluated. */
  isActive(stack: AssemblyStack, resource: TemplateResource): boolean {
    return resource.condition === undefined || this.evaluate(stack, resource.condition);
  }

  /** The physical name of a resource (its name property, else a generated `<stack>-<logicalId>-<random>`). */
  physicalName(stack: AssemblyStack, logicalId: string): string {
    const key = `${stack.stackName}/${logicalId}`;
    const known = this.names.get(key);
    if (known !== undefined) return known;
    const resource = this.resource(stack, logicalId);
    const rule = TYPE_RULES[resource.type];
    const given = rule?.nameProperty ? this.resolve(stack, resource.properties[rule.nameProperty]) : undefined;
    let name: string;
    if (typeof given === 'string' && given !== '') {
      name = given;
    } else {
      const suffix = this.randomSuffix();
      const max = rule?.maxLength ?? 128;
      name = `${stack.stackName}-${logicalId}`.slice(0, max - suffix.length - 1) + `-${suffix}`;
      if (rule?.lowerCase) name = name.toLowerCase();
    }
    this.names.set(key, name);
    return name;
  }

  /** `Ref` of a resource. */
  refOf(stack: AssemblyStack, logicalId: string): unknown {
    const resource = this.resource(stack, logicalId);
    if (resource.type === 'AWS::Lambda::Version') return `${this.functionArnOf(stack, resource)}:${this.versionOf(stack, logicalId)}`;
    if (resource.type === 'AWS::Lambda::Alias') return `${this.functionArnOf(stack, resource)}:${String(this.resolve(stack, resource.properties.Name))}`;
    const rule = TYPE_RULES[resource.type];
    const name = this.physicalName(stack, logicalId);
    return rule ? rule.ref({ name, env: this.env }) : name;
  }

  /** `Fn::GetAtt` of a resource. */
  attributeOf(stack: AssemblyStack, logicalId: string, attribute: string): unknown {
    const resource = this.resource(stack, logicalId);
    if (resource.type === 'AWS::Lambda::Version') {
      if (attribute === 'Version') return String(this.versionOf(stack, logicalId));
      if (attribute === 'FunctionArn') return this.functionArnOf(stack, resource);
    }
    if (resource.type === 'AWS::Lambda::Alias' && attribute === 'AliasArn') return this.refOf(stack, logicalId);
    if (resource.type === 'AWS::SSM::Parameter' && (attribute === 'Value' || attribute === 'Type')) return this.resolve(stack, resource.properties[attribute]);
    const rule = TYPE_RULES[resource.type];
    const names = { name: this.physicalName(stack, logicalId), env: this.env };
    if (!rule) {
      // Unknown types only need to look plausible to whatever references them.
      if (attribute === 'Arn') {
        const [, service = 'unknown', kind = 'resource'] = resource.type.split('::');
        return `arn:${this.env.partition}:${service.toLowerCase()}:${this.env.region}:${this.env.accountId}:${kind.toLowerCase()}/${names.name}`;
      }
      return `${names.name}-${attribute}`;
    }
    const attr = rule.attributes[attribute];
    if (!attr) {
      throw new UnresolvableError(
        `Fn::GetAtt ${logicalId}.${attribute} in stack ${stack.stackName}: the local runtime knows these attributes of ${resource.type}: ${Object.keys(rule.attributes).join(', ')}`,
      );
    }
    return attr(names);
  }

  /** Resolved Outputs of a stack, by OutputKey (outputs whose Condition is false are left out). */
  outputs(stack: AssemblyStack): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, output] of Object.entries(stack.template.Outputs ?? {})) {
      if (output.Condition !== undefined && !this.evaluate(stack, output.Condition)) continue;
      out[key] = this.resolve(stack, output.Value);
    }
    return out;
  }

  private resource(stack: AssemblyStack, logicalId: string): TemplateResource {
    const resource = stack.resources.get(logicalId);
    if (!resource) throw new UnresolvableError(`No resource or parameter '${logicalId}' in stack ${stack.stackName}`);
    return resource;
  }

  private functionArnOf(stack: AssemblyStack, resource: TemplateResource): string {
    const fn = this.resolve(stack, resource.properties.FunctionName);
    if (typeof fn !== 'string') throw new UnresolvableError(`${resource.logicalId}: FunctionName did not resolve to a string`);
    return fn.startsWith('arn:') ? fn : functionArn({ name: fn, env: this.env });
  }

  /** Versions of the same function are numbered 1, 2, ... in template order, as a deploy would. */
  private versionOf(stack: AssemblyStack, logicalId: string): number {
    const key = `${stack.stackName}/${logicalId}`;
    let version = this.versions.get(key);
    if (version === undefined) {
      const fn = JSON.stringify(this.resource(stack, logicalId).properties.FunctionName);
      version = [...stack.resources.values()].filter((r) => r.type === 'AWS::Lambda::Version' && JSON.stringify(r.properties.FunctionName) === fn)
        .findIndex((r) => r.logicalId === logicalId) + 1;
      this.versions.set(key, version);
    }
    return version;
  }

  private stackUuid(stackName: string): string {
    let id = this.stackIds.get(stackName);
    if (!id) this.stackIds.set(stackName, (id = randomUUID()));
    return id;
  }

  private evaluate(stack: AssemblyStack, name: string): boolean {
    const key = `${stack.stackName}/${name}`;
    let value = this.conditions.get(key);
    if (value === undefined) {
      const body = stack.template.Conditions?.[name];
      if (body === undefined) throw new UnresolvableError(`No Condition '${name}' in stack ${stack.stackName}`);
      value = evaluateCondition(body, this.scope(stack));
      this.conditions.set(key, value);
    }
    return value;
  }

  private importValue(name: string): unknown {
    if (!this.exportsByName) {
      const map = new Map<string, { stack: AssemblyStack; outputKey: string }>();
      for (const stack of this.assembly.stacks) {
        for (const [outputKey, output] of Object.entries(stack.template.Outputs ?? {})) {
          if (output.Export === undefined) continue;
          const exportName = this.resolve(stack, output.Export.Name);
          if (typeof exportName === 'string') map.set(exportName, { stack, outputKey });
        }
      }
      this.exportsByName = map;
    }
    const found = this.exportsByName.get(name);
    if (!found) throw new UnresolvableError(`Fn::ImportValue '${name}': no stack in the assembly exports that name`);
    if (this.resolvingExports.has(name)) throw new UnresolvableError(`Fn::ImportValue '${name}' refers to itself`);
    this.resolvingExports.add(name);
    try {
      return this.resolve(found.stack, found.stack.template.Outputs?.[found.outputKey]?.Value);
    } finally {
      this.resolvingExports.delete(name);
    }
  }

  private scope(stack: AssemblyStack): IntrinsicScope {
    const { env } = this;
    return {
      region: env.region,
      ref: (name) => {
        switch (name) {
          case 'AWS::Region':
            return env.region;
          case 'AWS::AccountId':
            return env.accountId;
          case 'AWS::Partition':
            return env.partition;
          case 'AWS::URLSuffix':
            return env.urlSuffix;
          case 'AWS::StackName':
            return stack.stackName;
          case 'AWS::StackId':
            return `arn:${env.partition}:cloudformation:${env.region}:${env.accountId}:stack/${stack.stackName}/${this.stackUuid(stack.stackName)}`;
          case 'AWS::NoValue':
            return NO_VALUE;
          case 'AWS::NotificationARNs':
            return [];
        }
        const parameter = stack.template.Parameters?.[name];
        const ssmType = parameter?.Type?.match(SSM_PARAMETER_TYPE);
        if (ssmType) return this.ssmParameterValue(stack, name, ssmType[0], parameter?.Default);
        if (parameter) {
          if (parameter.Default === undefined) throw new UnresolvableError(`Parameter '${name}' of stack ${stack.stackName} has no Default value`);
          return parameter.Default;
        }
        return this.refOf(stack, name);
      },
      getAtt: (logicalId, attribute) => this.attributeOf(stack, logicalId, attribute),
      importValue: (name) => this.importValue(name),
      condition: (name) => this.evaluate(stack, name),
      findInMap: (map, top, second) => {
        const value = stack.template.Mappings?.[map]?.[top]?.[second];
        if (value === undefined) throw new UnresolvableError(`Fn::FindInMap ${map}.${top}.${second}: no such entry in stack ${stack.stackName}`);
        return value;
      },
    };
  }
}

function defaultSuffix(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return Array.from(randomBytes(6), (byte) => alphabet[byte % alphabet.length]).join('');
}
