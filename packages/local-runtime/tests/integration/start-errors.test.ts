import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { AssemblyNotFoundError, JavaUnavailableError, LambdaAssetMissingError, LocalRuntime, PortInUseError } from '@order-flow/local';
import { readCloudAssembly } from '@order-flow/local/cloudformation';

describe('LocalRuntime.start errors', () => {
  const cleanups: (() => void | Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('names a taken DynamoDB port', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as { port: number }).port;

    const error = await LocalRuntime.start({ assemblyDir: inject('assemblyDir'), dynamodbPort: port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as Error).message).toContain(`Port ${port} (DynamoDB Local) is already in use`);
  });

  it('explains a missing Java', async () => {
    const start = LocalRuntime.start({ assemblyDir: inject('assemblyDir'), javaCommand: '/nonexistent/bin/java' });
    await expect(start).rejects.toBeInstanceOf(JavaUnavailableError);
    await expect(start).rejects.toThrow(/needs Java 17\+, but '\/nonexistent\/bin\/java' could not be run/);
  });

  it('asks for cdk synth when the assembly directory is missing', async () => {
    const start = LocalRuntime.start({ assemblyDir: join(tmpdir(), 'definitely-not-a-cdk-out') });
    await expect(start).rejects.toBeInstanceOf(AssemblyNotFoundError);
    await expect(start).rejects.toThrow(/Run `cdk synth`/);
  });

  it('names a Lambda asset folder missing from the assembly', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'assembly-missing-asset-'));
    cleanups.push(() => rmSync(copy, { recursive: true, force: true }));
    cpSync(inject('assemblyDir'), copy, { recursive: true, filter: (src) => !src.includes('node_modules') });
    const [asset] = [...readCloudAssembly(copy).stacks[0]!.assets.values()].filter((a) => a.packaging === 'zip');
    rmSync(asset!.path, { recursive: true });

    const start = LocalRuntime.start({ assemblyDir: copy });
    await expect(start).rejects.toBeInstanceOf(LambdaAssetMissingError);
    await expect(start).rejects.toThrow(new RegExp(`asset ${asset!.id} should be the folder`));
  });
});
