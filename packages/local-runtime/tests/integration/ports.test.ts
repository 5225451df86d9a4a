/**
 * Ports the local runtime serves on are bound from the moment they are chosen. CI once failed
 * with `PortInUseError: Port 36805 (Step Functions API) is already in use`: the runtime looked a
 * free port up, let it go, started DynamoDB Local (seconds), and by then something else had it.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { LocalRuntime, PortInUseError, ReservedPort } from '@order-flow/local';
import { startDynamoDbLocal } from '@order-flow/local/dynamodb';
import { findFreePort } from '@order-flow/local/testing';
import { listen } from '../../src/aws-protocol/server.ts';

// Only findFreePort's answer is forced (to a port something holds): a lookup losing its port to
// another process is the race itself, which no real run produces on demand.
vi.mock(import('../../src/aws-protocol/tcp-ports.ts'), async (original) => {
  const actual = await original();
  return { ...actual, findFreePort: vi.fn(actual.findFreePort) };
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.mocked(findFreePort).mockClear();
});

/** Binds `port` (0: a free one) on 127.0.0.1, the way another process would; closed after the test. */
async function occupy(port = 0): Promise<{ port: number; error?: NodeJS.ErrnoException }> {
  // It accepts connections and never answers them, like a port taken by something else.
  const server: Server = createServer();
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => sockets.add(socket));
  const result = await new Promise<{ port: number; error?: NodeJS.ErrnoException }>((resolve) => {
    server.once('error', (error: NodeJS.ErrnoException) => resolve({ port, error }));
    server.listen(port, '127.0.0.1', () => resolve({ port: (server.address() as { port: number }).port }));
  });
  if (!result.error) {
    cleanups.push(
      () =>
        new Promise((resolve) => {
          server.close(resolve);
          for (const socket of sockets) socket.destroy();
        }),
    );
  }
  return result;
}

/** The ports in LISTEN state in a /proc/net/tcp snapshot (Linux). */
function listeningPorts(procNetTcp: string): Set<number> {
  const ports = new Set<number>();
  for (const line of procNetTcp.split('\n').slice(1)) {
    const [, local, , state] = line.trim().split(/\s+/);
    if (state === '0A' && local) ports.add(Number.parseInt(local.split(':')[1]!, 16));
  }
  return ports;
}

describe('ReservedPort', () => {
  it('keeps the port bound until a server takes the very socket', async () => {
    const reserved = await ReservedPort.bind(0, 'test API');
    expect((await occupy(reserved.port)).error?.code).toBe('EADDRINUSE');

    const server = (await import('node:http')).createServer((_req, res) => res.end('served'));
    const endpoint = await listen(server, reserved, '127.0.0.1', 'test API');
    expect(endpoint.port).toBe(reserved.port);
    expect(await (await fetch(`${endpoint.endpoint}/`)).text()).toBe('served');
    expect(() => reserved.take()).toThrow(`Port ${reserved.port} (test API) was already taken`);
    await reserved.release(); // a taken reservation belongs to its server: this changes nothing
    expect(await (await fetch(`${endpoint.endpoint}/`)).text()).toBe('served');

    await endpoint.close();
    expect((await occupy(reserved.port)).error).toBeUndefined();
  });

  it('negative control: a port only looked up is free for anyone to take', async () => {
    const port = await findFreePort();
    expect((await occupy(port)).error).toBeUndefined();
  });

  it('release() frees a port no server took; a taken port is a PortInUseError naming the purpose', async () => {
    const reserved = await ReservedPort.bind(0, 'test API');
    await reserved.release();
    await reserved.release();
    expect(() => reserved.take()).toThrow('was already released');
    const holder = await occupy(reserved.port);
    expect(holder.error).toBeUndefined();

    const error = await ReservedPort.bind(holder.port, 'Step Functions API').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as Error).message).toBe(`Port ${holder.port} (Step Functions API) is already in use on 127.0.0.1. Stop what uses it or choose another port.`);
  });
});

describe('LocalRuntime.start', () => {
  it('holds the Step Functions API port (and any HTTP API port) while DynamoDB Local starts', async () => {
    // The `java` the runtime runs records which ports listen while it starts, then runs Java.
    const dir = mkdtempSync(join(tmpdir(), 'ports-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const snapshot = join(dir, 'tcp.txt');
    const java = join(dir, 'java');
    writeFileSync(java, `#!/bin/sh\n[ "$1" = "-version" ] || cat /proc/net/tcp > '${snapshot}'\nexec java "$@"\n`);
    chmodSync(java, 0o755);

    const runtime = await LocalRuntime.start({ assemblyDir: inject('assemblyDir'), javaCommand: java, stepFunctionsPort: 0, apiPort: 0, log: () => undefined });
    cleanups.push(() => runtime.stop());
    const ports = [runtime.stepFunctionsApi!.port, ...runtime.httpApis.map((api) => Number(new URL(api.endpoint).port))];
    const listening = listeningPorts(readFileSync(snapshot, 'utf8'));
    expect(ports.filter((port) => !listening.has(port))).toEqual([]);
  });
});

describe('LocalRuntime.start with a ReservedPort handed over', () => {
  it('releases it when the start fails (eventbridge-rules.test.ts serves one)', async () => {
    const handed = await ReservedPort.bind(0, 'Step Functions API');
    expect((await occupy(handed.port)).error?.code).toBe('EADDRINUSE');

    const error = await LocalRuntime.start({ assemblyDir: join(tmpdir(), 'no-such-assembly'), stepFunctionsPort: handed }).catch((e: unknown) => e);

    expect((error as Error).name).toBe('AssemblyNotFoundError');
    expect((await occupy(handed.port)).error).toBeUndefined();
  });
});

describe('startDynamoDbLocal', () => {
  it('chooses again when the free port it looked up is taken before Java binds it (port 0 means choose, as elsewhere)', async () => {
    const taken = await occupy();
    vi.mocked(findFreePort).mockResolvedValueOnce(taken.port);

    const ddb = await startDynamoDbLocal({ port: 0 });
    cleanups.push(() => ddb.stop());
    expect(ddb.port).not.toBe(taken.port);
    expect(vi.mocked(findFreePort)).toHaveBeenCalledTimes(2);
  });

  it('gives up with a PortInUseError after three taken ports; a port the caller names is never replaced', async () => {
    const taken = await occupy();
    vi.mocked(findFreePort).mockResolvedValueOnce(taken.port).mockResolvedValueOnce(taken.port).mockResolvedValueOnce(taken.port);
    const error = await startDynamoDbLocal().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as Error).message).toContain(`Port ${taken.port} (DynamoDB Local) is already in use`);
    expect(vi.mocked(findFreePort)).toHaveBeenCalledTimes(3);

    vi.mocked(findFreePort).mockClear();
    await expect(startDynamoDbLocal({ port: taken.port })).rejects.toThrow(PortInUseError);
    expect(vi.mocked(findFreePort)).not.toHaveBeenCalled();
  });
});
