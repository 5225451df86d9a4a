/** The resources of a running assembly: which are active, how they are described and found. */
import type { AssemblyStack, TemplateResource } from './assembly.js';
import type { AssemblyResolver, ResourceRef } from './resolver.js';

/** A resource of the running assembly. */
export interface LocalResourceInfo {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  /** Construct path, e.g. `MyStack/Orders/Table/Resource`. */
  readonly path?: string;
}

/** A named resource with its local physical name and ARN. */
export interface NamedResourceInfo extends LocalResourceInfo {
  readonly name: string;
  readonly arn: string;
}

/** A stack of the running assembly. */
export interface LocalStackInfo {
  readonly name: string;
  readonly artifactId: string;
  readonly resources: readonly LocalResourceInfo[];
}

/** Every resource whose Condition holds, stack by stack. */
export function activeResources(resolver: AssemblyResolver): ResourceRef[] {
  return resolver.assembly.stacks.flatMap((stack) =>
    [...stack.resources.values()].filter((resource) => resolver.isActive(stack, resource)).map((resource) => ({ stack, resource })),
  );
}

/** The stacks with their active resources. */
export function stacksOf(resolver: AssemblyResolver, active: readonly ResourceRef[]): LocalStackInfo[] {
  return resolver.assembly.stacks.map((stack) => ({
    name: stack.stackName,
    artifactId: stack.artifactId,
    resources: active.filter((entry) => entry.stack === stack).map((entry) => infoOf(entry.stack, entry.resource)),
  }));
}

export function infoOf(stack: AssemblyStack, resource: TemplateResource): LocalResourceInfo {
  return {
    stackName: stack.stackName,
    logicalId: resource.logicalId,
    type: resource.type,
    ...(resource.path !== undefined && { path: resource.path }),
  };
}

/** A resource with its physical name and ARN (`Ref`, or the `arnAttribute` attribute). */
export function namedInfoOf(resolver: AssemblyResolver, stack: AssemblyStack, resource: TemplateResource, arnAttribute?: string): NamedResourceInfo {
  const name = resolver.physicalName(stack, resource.logicalId);
  const arn = arnAttribute ? resolver.attributeOf(stack, resource.logicalId, arnAttribute) : resolver.refOf(stack, resource.logicalId);
  return { ...infoOf(stack, resource), name, arn: String(arn) };
}

/** `MyStack/Orders/Table/Resource`, or `<stack>/<logicalId>` without a construct path. */
export function labelOf(stack: AssemblyStack, resource: TemplateResource): string {
  return resource.path ?? `${stack.stackName}/${resource.logicalId}`;
}

/**
 * The resource at a construct path (an L2's `Resource` child counts, a unique prefix too) or with
 * a logical id (`OrdersTable1A2B3C` or `MyStack/OrdersTable1A2B3C`).
 */
export function findResource(resources: readonly ResourceRef[], ref: string, type?: string): ResourceRef {
  const wanted = ref.replace(/^\//, '');
  const candidates = resources.filter(({ resource }) => type === undefined || resource.type === type);
  const byPath = candidates.filter(({ resource }) => resource.path !== undefined && (resource.path === wanted || resource.path.startsWith(`${wanted}/`)));
  const pick =
    byPath.find(({ resource }) => resource.path === wanted) ??
    byPath.find(({ resource }) => resource.path === `${wanted}/Resource`) ??
    (byPath.length === 1 ? byPath[0] : undefined);
  if (pick) return pick;
  if (byPath.length > 1) {
    throw new Error(`'${ref}' matches several resources: ${byPath.map(({ resource }) => resource.path).join(', ')}. Use a longer path.`);
  }
  const byId = candidates.filter(({ stack, resource }) => resource.logicalId === wanted || `${stack.stackName}/${resource.logicalId}` === wanted);
  if (byId.length === 1) return byId[0]!;
  if (byId.length > 1) throw new Error(`Logical id '${ref}' exists in several stacks; use '<StackName>/${ref}'.`);
  throw new Error(`No resource${type ? ` of type ${type}` : ''} at path or with logical id '${ref}' in the assembly`);
}

/** The listed properties that are set. */
export function pick(source: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]));
}
