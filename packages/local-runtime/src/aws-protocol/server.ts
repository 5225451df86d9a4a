import type { IncomingMessage, Server } from 'node:http';
import { PortInUseError, ReservedPort, type PortOption } from './tcp-ports.js';

/** A local HTTP endpoint started by this package. */
export interface LocalEndpoint {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:3000`. */
  readonly endpoint: string;
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** Stops accepting connections and closes idle keep-alive sockets. Safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Binds `server` and reports a taken port as a {@link PortInUseError} naming its purpose, so
 * the user sees which emulated service wanted the port. A {@link ReservedPort} is served on its
 * already bound socket (its own host, 127.0.0.1).
 */
export function listen(server: Server, portOption: PortOption, host: string, purpose: string, options: { readonly closeAllConnections?: boolean } = {}): Promise<LocalEndpoint> {
  const port = portOption instanceof ReservedPort ? portOption.port : portOption;
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(`Port ${port} (${purpose}) is already in use on ${host}. Stop what uses it or choose another port.`)
          : error,
      );
    };
    server.once('error', onError);
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      const boundHost = portOption instanceof ReservedPort ? '127.0.0.1' : host;
      const urlHost = boundHost.includes(':') ? `[${boundHost}]` : boundHost;
      let closing: Promise<void> | undefined;
      resolve({
        endpoint: `http://${urlHost}:${bound}`,
        port: bound,
        close: () =>
          (closing ??= new Promise<void>((done) => {
            server.close(() => done());
            // Keep-alive sockets (fetch, the AWS SDK) would otherwise hold close() open; long-running
            // requests (StartSyncExecution) too, for servers that ask to close every connection.
            if (options.closeAllConnections) server.closeAllConnections();
            else server.closeIdleConnections();
          })),
      });
    };
    if (portOption instanceof ReservedPort) server.listen(portOption.take(), onListening);
    else server.listen(port, host, onListening);
  });
}

/** The request body, or `tooLarge` once it exceeds `limit` bytes (the rest is drained, not kept). */
export function readBody(req: IncomingMessage, limit: number): Promise<{ body: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Keep reading so the client sees our response instead of a reset connection.
        tooLarge = true;
        chunks.length = 0;
      } else if (!tooLarge) {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve({ body: Buffer.concat(chunks), tooLarge }));
    req.on('error', reject);
  });
}
