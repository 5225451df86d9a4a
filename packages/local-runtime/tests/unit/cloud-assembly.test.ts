import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { AssemblyNotFoundError, readCloudAssembly } from '@order-flow/local/cloudformation';
import { LambdaAssetMissingError, locateFunctionCode } from '@order-flow/local/lambda';
import { STACK, CONSUMER_STACK } from '../app/test-app.ts';

describe('cloud assembly', () => {
  const assembly = readCloudAssembly(inject('assemblyDir'));
  const stack = assembly.stacks.find((s) => s.stackName === STACK)!;
  const storeFn = [...stack.resources.values()].find((r) => r.path === `${STACK}/Store/Resource`)!;

  it('reads every stack with its resources, construct paths and outputs', () => {
    expect(assembly.stacks.map((s) => s.stackName)).toEqual([STACK, CONSUMER_STACK]);
    expect(storeFn.type).toBe('AWS::Lambda::Function');
    expect([...stack.resources.values()].filter((r) => r.type === 'AWS::DynamoDB::GlobalTable').map((r) => r.path)).toEqual([`${STACK}/Items/Resource`]);
    expect(Object.keys(stack.template.Outputs ?? {})).toEqual(expect.arrayContaining(['ItemsTableName', 'FlowArn', 'Where']));
  });

  it('finds a function bundle from Code.S3Key through the stack asset manifest', () => {
    const code = locateFunctionCode(stack, 'Store', storeFn.properties.Code, 'index.handler');
    const hash = String((storeFn.properties.Code as { S3Key: string }).S3Key).replace('.zip', '');
    expect(code).toEqual({ directory: join(assembly.directory, `asset.${hash}`), file: join(assembly.directory, `asset.${hash}`, 'index.mjs'), exportPath: ['handler'] });
  });

  it('names the missing asset folder and the handler file it looked for', () => {
    const missing = { ...stack, assets: new Map(), assemblyDir: '/nowhere' };
    expect(() => locateFunctionCode(missing, 'Store', { S3Key: 'abc.zip' }, 'index.handler')).toThrow(LambdaAssetMissingError);
    expect(() => locateFunctionCode(missing, 'Store', { S3Key: 'abc.zip' }, 'index.handler')).toThrow(/asset abc should be the folder \/nowhere\/asset\.abc/);
    expect(() => locateFunctionCode(stack, 'Store', storeFn.properties.Code, 'app.main')).toThrow(/no app\.mjs, app\.js or app\.cjs/);
  });

  it('tells the user to synth when the directory is not an assembly', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-assembly-'));
    try {
      expect(() => readCloudAssembly(empty)).toThrow(AssemblyNotFoundError);
      expect(() => readCloudAssembly(empty)).toThrow(/Run `cdk synth`/);
    } finally {
      rmSync(empty, { recursive: true });
    }
  });

  it('reads construct paths from the template when the CLI put them there', () => {
    const copy = mkdtempSync(join(tmpdir(), 'assembly-copy-'));
    try {
      cpSync(inject('assemblyDir'), copy, { recursive: true, filter: (src) => !src.endsWith('metadata.json') && !src.includes('node_modules') });
      const withoutMetadata = readCloudAssembly(copy).stacks.find((s) => s.stackName === STACK)!;
      expect(withoutMetadata.resources.get(storeFn.logicalId)?.path).toBeUndefined();
    } finally {
      rmSync(copy, { recursive: true });
    }
  });
});
