import { invokeFunctionArn, lambdaInvokeIntegration } from './lambda.js';
import type { TaskTokens } from './task-tokens.js';
import type { FunctionInvoker, TaskIntegration, TaskRequest } from './types.js';

/** A Task resource as the history reports it and the engine waits for it. */
export interface ResourceInfo {
  /** The resource without its `.sync`/`.waitForTaskToken` suffix: the integration's key. */
  readonly base: string;
  readonly pattern: TaskRequest['pattern'];
  /** TaskScheduled's `resourceType` (`lambda`, `dynamodb`, `aws-sdk:dynamodb`...). */
  readonly resourceType: string;
  /** TaskScheduled's `resource` (`invoke`, `putItem.waitForTaskToken`...). */
  readonly resource: string;
  /** A function ARN used directly as the Resource (LambdaFunction* events). */
  readonly lambdaFunction: boolean;
}

const SERVICE = /^arn:[^:]+:states:[^:]*:[^:]*:(aws-sdk:[^:]+|[^:]+):(.+)$/;
const FUNCTION = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+(?::[^:]+)?$/;
const SUFFIX = /\.(sync:2|sync|waitForTaskToken)$/;

/** Reads a Task `Resource` ARN; undefined when it is neither a service integration nor a function ARN. */
export function parseResource(arn: string): ResourceInfo | undefined {
  if (FUNCTION.test(arn)) return { base: arn, pattern: 'request-response', resourceType: 'lambda', resource: arn, lambdaFunction: true };
  const match = SERVICE.exec(arn);
  if (!match) return undefined;
  const [, resourceType, resource] = match as unknown as [string, string, string];
  const suffix = SUFFIX.exec(resource)?.[1] as 'sync:2' | 'sync' | 'waitForTaskToken' | undefined;
  return {
    base: suffix === undefined ? arn : arn.slice(0, -(suffix.length + 1)),
    pattern: suffix ?? 'request-response',
    resourceType,
    resource,
    lambdaFunction: false,
  };
}

/** Options of {@link TaskDispatcher}. */
export interface TaskDispatcherOptions {
  /** Runs Lambda functions (`lambda:invoke`, function ARNs). */
  readonly invokeFunction?: FunctionInvoker;
  /** Integrations keyed by Resource prefix (longest prefix wins; replaces a built-in). */
  readonly integrations?: Readonly<Record<string, TaskIntegration>>;
  /** Integrations of the engine itself (`states:startExecution`). */
  readonly builtIns?: Readonly<Record<string, TaskIntegration>>;
}

/** Thrown at load when a Task's resource has no integration: names the state and the resource. */
export class UnsupportedIntegrationError extends Error {
  override readonly name = 'UnsupportedIntegrationError';
}

/**
 * Finds and runs the integration of a Task resource: the caller's `integrations` first (so a user
 * can replace even the Lambda handling), then the engine's built-ins.
 */
export class TaskDispatcher {
  private readonly lambda: Readonly<Record<string, TaskIntegration>>;

  constructor(
    private readonly options: TaskDispatcherOptions,
    /** The callback tokens of `.waitForTaskToken` tasks. */
    readonly tokens: TaskTokens,
  ) {
    const invoke = options.invokeFunction;
    this.lambda = invoke === undefined ? {} : { 'arn:aws:states:::lambda:invoke': lambdaInvokeIntegration(invoke) };
  }

  /** The resource's history names and pattern; throws {@link UnsupportedIntegrationError} when not runnable. */
  describe(resource: string): ResourceInfo {
    const info = parseResource(resource);
    if (!info || !this.supports(info)) throw new UnsupportedIntegrationError(`No integration runs the resource '${resource}'`);
    return info;
  }

  /** Whether a resource can run (checked for every Task at load). */
  supportsResource(resource: string): boolean {
    const info = parseResource(resource);
    return info !== undefined && this.supports(info);
  }

  /** Runs one attempt's call (for callback tasks: the call that hands out the token). */
  run(request: TaskRequest): Promise<unknown> {
    const integration = this.integrationFor(request.resource);
    if (integration) return integration(request);
    if (FUNCTION.test(request.resource) && this.options.invokeFunction) return invokeFunctionArn(this.options.invokeFunction, request);
    throw new UnsupportedIntegrationError(`No integration runs the resource '${request.resource}'`);
  }

  private supports(info: ResourceInfo): boolean {
    if (this.integrationFor(info.base)) return true;
    return info.lambdaFunction && this.options.invokeFunction !== undefined;
  }

  // Keys are written with the `aws` partition; resources of any partition match them. The
  // caller's integrations are read on every call, so a host may complete them after start.
  private integrationFor(resource: string): TaskIntegration | undefined {
    const normalized = inAwsPartition(resource);
    let bestKey = '';
    let best: TaskIntegration | undefined;
    // Later tables win a tie: the caller's integrations replace built-ins.
    for (const table of [this.lambda, this.options.builtIns ?? {}, this.options.integrations ?? {}]) {
      for (const prefix of Object.keys(table)) {
        const key = inAwsPartition(prefix);
        if (normalized.startsWith(key) && (best === undefined || key.length >= bestKey.length)) {
          bestKey = key;
          best = table[prefix];
        }
      }
    }
    return best;
  }
}

/** The ARN with the `aws` partition (every Task attempt looks its integration up: no regex when it has it already). */
function inAwsPartition(arn: string): string {
  return arn.startsWith('arn:aws:') ? arn : arn.replace(/^arn:[^:]+:/, 'arn:aws:');
}
