import { createServer, type Server } from 'node:net';

/** Thrown when a configured port is already in use. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
}

/**
 * Asks the OS for a free TCP port on 127.0.0.1 and lets it go at once: between this call and the
 * bind of whoever uses the number, anything may take it (another process's lookup, or an outgoing
 * connection: both draw from the same ephemeral range). Prefer {@link ReservedPort} when the
 * server is in this process.
 */
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
  return bindHolder(port, purpose).then((holder) => new Promise<void>((resolve) => holder.close(() => resolve())));
}

/**
 * A port on 127.0.0.1 bound now and served later. A runtime must know its endpoints' URLs (the
 * functions get them in their environment) before it can start the servers behind them, seconds
 * later once DynamoDB Local is up. A port number that was only looked up can be taken in that
 * time, and was, in CI (`PortInUseError: Port 36805 (Step Functions API)`). A reservation keeps
 * the socket bound, and the server that serves the port takes that very socket
 * (`server.listen(handle)`), so nothing else can ever bind it in between.
 */
export class ReservedPort {
  private taken = false;
  private released?: Promise<void>;

  private constructor(
    /** The bound port. */
    readonly port: number,
    /** What will serve it, for error messages (e.g. `Step Functions API`). */
    readonly purpose: string,
    private readonly holder: Server,
  ) {}

  /**
   * Binds `port` on 127.0.0.1, or a free port for `undefined` or 0.
   *
   * @throws PortInUseError naming `purpose` when `port` is taken
   */
  static async bind(port: number | undefined, purpose: string): Promise<ReservedPort> {
    const holder = await bindHolder(port ?? 0, purpose);
    const address = holder.address();
    return new ReservedPort(typeof address === 'object' && address ? address.port : 0, purpose, holder);
  }

  /**
   * The bound socket, for `server.listen(handle)`. The server that listens on it owns it from then
   * on (its `close()` closes it); a reservation is taken once.
   *
   * @throws Error when it was taken or released already
   */
  take(): Server {
    if (this.taken || this.released) throw new Error(`Port ${this.port} (${this.purpose}) was already ${this.taken ? 'taken' : 'released'}`);
    this.taken = true;
    return this.holder;
  }

  /** Closes the socket unless a server took it. Safe to call more than once. */
  release(): Promise<void> {
    if (this.taken) return Promise.resolve();
    return (this.released ??= new Promise<void>((resolve) => this.holder.close(() => resolve())));
  }
}

/** A port to serve on: a number (0 = a free one) or a {@link ReservedPort} bound earlier. */
export type PortOption = number | ReservedPort;

function bindHolder(port: number, purpose: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const holder = createServer();
    holder.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new PortInUseError(`Port ${port} (${purpose}) is already in use on 127.0.0.1. Stop what uses it or choose another port.`)
          : error,
      );
    });
    holder.listen(port, '127.0.0.1', () => resolve(holder));
  });
}
