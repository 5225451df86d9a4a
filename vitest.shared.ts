import { defineProject, type ViteUserConfig } from 'vitest/config';

/**
 * Shared vitest project settings. The `@order-flow/source` export condition makes workspace
 * packages resolve to their TypeScript sources, so tests never need a dependency built first.
 */
export function stepProject(name: string, extra: NonNullable<ViteUserConfig['test']> = {}) {
  const conditions = ['@order-flow/source', 'module', 'node', 'import', 'default'];
  return defineProject({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@order-flow/source'] } },
    test: {
      name,
      include: ['tests/**/*.test.ts'],
      environment: 'node',
      ...extra,
    },
  });
}
