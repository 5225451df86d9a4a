import { defineProject, type ViteUserConfig } from 'vitest/config';

/**
 * Shared vitest project settings. The `@order-flow/source` export condition makes workspace
 * packages resolve to their TypeScript sources, so tests never need a dependency built first.
 *
 * - No `module` condition: it would resolve @aws-sdk/* to their `dist-es` builds, whose
 *   extensionless imports Node cannot load once the SDK is externalized.
 * - Global setup runs in vitest's own `__vitest__` environment, which does not inherit `ssr`
 *   settings, so the conditions are repeated there (else `@order-flow/local/testing` would need
 *   a built dist).
 */
export function stepProject(name: string, extra: NonNullable<ViteUserConfig['test']> = {}) {
  const conditions = ['@order-flow/source', 'node', 'import', 'default'];
  const resolve = { conditions, externalConditions: ['@order-flow/source'] };
  return defineProject({
    resolve: { conditions },
    ssr: { resolve },
    environments: { __vitest__: { resolve } },
    test: {
      name,
      include: ['tests/**/*.test.ts'],
      environment: 'node',
      // The first CDK synth in a file takes seconds on a busy 2-core machine: 5 s flakes.
      testTimeout: 30_000,
      hookTimeout: 60_000,
      ...extra,
    },
  });
}
