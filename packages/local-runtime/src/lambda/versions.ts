import type { AssemblyStack } from '../cloudformation/assembly.js';
import type { AssemblyResolver } from '../cloudformation/resolver.js';
import type { AliasConfig } from './function.js';

/**
 * The published versions (`AWS::Lambda::Version`) and aliases (`AWS::Lambda::Alias`, with
 * `RoutingConfig.AdditionalVersionWeights`) of one function of a stack, for
 * {@link LocalFunctionConfig}. Versions are numbered by the resolver as a deploy would number them.
 */
export function planVersionsAndAliases(
  resolver: AssemblyResolver,
  stack: AssemblyStack,
  functionLogicalId: string,
): { versions: string[]; aliases: Record<string, AliasConfig> } {
  const name = resolver.physicalName(stack, functionLogicalId);
  const arn = String(resolver.attributeOf(stack, functionLogicalId, 'Arn'));
  const isThisFunction = (value: unknown) => value === name || value === arn;
  const versions: string[] = [];
  const aliases: Record<string, AliasConfig> = {};
  for (const resource of stack.resources.values()) {
    if (!resolver.isActive(stack, resource)) continue;
    if (resource.type === 'AWS::Lambda::Version' && isThisFunction(resolver.resolve(stack, resource.properties.FunctionName))) {
      versions.push(String(resolver.attributeOf(stack, resource.logicalId, 'Version')));
    } else if (resource.type === 'AWS::Lambda::Alias' && isThisFunction(resolver.resolve(stack, resource.properties.FunctionName))) {
      const props = resolver.resolve(stack, resource.properties) as {
        Name?: unknown;
        FunctionVersion?: unknown;
        RoutingConfig?: { AdditionalVersionWeights?: readonly { FunctionVersion?: unknown; FunctionWeight?: unknown }[] };
      };
      const weights = Object.fromEntries(
        (props.RoutingConfig?.AdditionalVersionWeights ?? []).map((entry) => [String(entry.FunctionVersion), Number(entry.FunctionWeight)]),
      );
      aliases[String(props.Name)] = { version: String(props.FunctionVersion), ...(Object.keys(weights).length > 0 && { additionalVersionWeights: weights }) };
    }
  }
  return { versions, aliases };
}
