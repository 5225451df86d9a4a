import { createServer } from 'node:net';

/** Thrown when a configured port is already in use. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Fails with a {@link PortInUseError} naming the port and its purpose when something already
 * listens on it, so a user sees "port 8000 (DynamoDB Local) is in use" instead of a Java stack trace.
 */
export function assertPortFree(port: number, purpose: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(`Port ${port} (${purpose}) is already in use on 127.0.0.1. Stop what uses it or choose another port.`)
          : error,
      );
    });
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

/**
 * The port to bind for `purpose`: a free one for `undefined` or 0, else `port` once it is known
 * to be free.
 *
 * @throws PortInUseError when `port` is taken
 */
export async function choosePort(port: number | undefined, purpose: string): Promise<number> {
  if (port === undefined || port === 0) return findFreePort();
  await assertPortFree(port, purpose);
  return port;
}
