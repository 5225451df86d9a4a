import { createHash } from 'node:crypto';
import type { AssemblyStack, CloudAssembly } from './assembly.js';
import { AssemblyResolver, type Environment } from './resolver.js';

/**
 * Generates each physical name's suffix from the resource's `<stack>/<logicalId>` (hashed)
 * instead of at random, so a runtime persisting its data names its tables the same on restart.
 */
export class StableNamesResolver extends AssemblyResolver {
  /** Resources being named, innermost last: a name property may itself refer to another resource. */
  private readonly naming: string[];

  constructor(assembly: CloudAssembly, env: Environment) {
    const naming: string[] = [];
    super(assembly, env, () => stableSuffix(naming.at(-1) ?? ''));
    this.naming = naming;
  }

  override physicalName(stack: AssemblyStack, logicalId: string): string {
    this.naming.push(`${stack.stackName}/${logicalId}`);
    try {
      return super.physicalName(stack, logicalId);
    } finally {
      this.naming.pop();
    }
  }
}

function stableSuffix(key: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return Array.from(createHash('sha256').update(key).digest().subarray(0, 6), (byte) => alphabet[byte % alphabet.length]).join('');
}
