/**
 * The local SSM Parameter Store: what `AWS::SSM::Parameter` resources publish when their stack
 * starts, and what template parameters of type `AWS::SSM::Parameter::Value<...>` read, as
 * CloudFormation resolves them at deploy.
 */

/** Where a parameter came from. */
export interface ParameterPublisher {
  readonly stackName: string;
  readonly logicalId: string;
  /** Construct path of the resource, when the template has one. */
  readonly path?: string;
}

/** One parameter of the local store. */
export interface LocalParameter {
  readonly name: string;
  readonly value: string;
  /** `String` or `StringList` (comma-separated), as `AWS::SSM::Parameter` `Type`. */
  readonly type: string;
  /** The resource that created it. */
  readonly publishedBy?: ParameterPublisher;
}

/** Thrown when a stack reads a parameter nobody published; the message names both sides. */
export class ParameterNotFoundError extends Error {
  override readonly name = 'ParameterNotFound';
}

/** Parameters by name, in the order they were put. */
export class LocalParameterStore {
  private readonly byName = new Map<string, LocalParameter>();

  /**
   * Creates or overwrites a parameter (a stack that starts again publishes again).
   * @throws Error naming the parameter when its name is not an SSM name (`/a/b` or `a.b`, at most 2048 characters)
   */
  put(parameter: LocalParameter): void {
    if (!/^\/?[a-zA-Z0-9_.\-/]{1,2047}$/.test(parameter.name) || parameter.name.includes('//')) {
      throw new Error(`SSM parameter name '${parameter.name}' is invalid: use letters, digits, '_', '.', '-' and '/' separators (at most 2048 characters)`);
    }
    this.byName.set(parameter.name, parameter);
  }

  /** The parameter, or undefined when nothing published it. */
  get(name: string): LocalParameter | undefined {
    return this.byName.get(name);
  }

  /** Every parameter, in publication order. */
  list(): LocalParameter[] {
    return [...this.byName.values()];
  }
}
