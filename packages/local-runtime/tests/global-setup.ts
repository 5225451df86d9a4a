/**
 * Synthesizes the test CDK app once per test run and hands its directory to the tests
 * (`inject('assemblyDir')`). Each test file starts its own LocalRuntime (and DynamoDB Local).
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { synthTestApp } from './app/test-app.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    assemblyDir: string;
  }
}

interface Provider {
  provide(key: 'assemblyDir', value: string): void;
}

export default function setup(project: Provider): () => void {
  const outdir = mkdtempSync(join(tmpdir(), 'local-runtime-assembly-'));
  synthTestApp(outdir);
  // The store fixture imports @aws-sdk/client-dynamodb unbundled; a node_modules link next to the
  // copied assets lets Node resolve it from cdk.out as it would from the package.
  symlinkSync(fileURLToPath(new URL('../node_modules', import.meta.url)), join(outdir, 'node_modules'), 'dir');
  project.provide('assemblyDir', outdir);
  return () => rmSync(outdir, { recursive: true, force: true });
}
