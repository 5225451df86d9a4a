/** DynamoDB for a running assembly: DynamoDB Local, the fault proxy in front of it, and its tables. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalEndpoint } from '../aws-protocol/server.js';
import type { DynamoDbFault } from '../faults/injector.js';
import { startDynamoDbFaultProxy } from './fault-proxy.js';
import { LOCAL_CREDENTIALS, startDynamoDbLocal, type DynamoDbLocalOptions } from './local.js';
import { createTables, type TablePlan } from './tables.js';

/** Options of {@link startDynamoDbService}. */
export interface DynamoDbServiceOptions extends DynamoDbLocalOptions {
  readonly region: string;
  readonly tables: readonly TablePlan[];
  /** Puts the fault proxy in front, asking `decide` per request; without it nothing is faulted. */
  readonly decide?: (operation: string) => DynamoDbFault | undefined;
}

/** DynamoDB Local with its tables created, and the fault proxy when asked for. */
export interface DynamoDbService {
  /** DynamoDB Local itself: never faulted. */
  readonly endpoint: string;
  readonly port: number;
  /** DynamoDB Local's Java process id (a crash test SIGKILLs it). */
  readonly pid: number | undefined;
  /** What functions and Task states use: the fault proxy, or `endpoint` without it. */
  readonly functionEndpoint: string;
  readonly hasFaultProxy: boolean;
  /** The client of the state machines' DynamoDB tasks (on `functionEndpoint`, no SDK retries behind the proxy). */
  readonly taskClient: DynamoDBClient;
  /** Stops the proxy and DynamoDB Local. */
  stop(): Promise<void>;
}

/**
 * Starts DynamoDB Local (and the fault proxy), then creates the tables (only absent ones when
 * `dataDir` persists them). Whatever started is stopped again when a later step fails.
 *
 * @throws JavaUnavailableError, PortInUseError
 */
export async function startDynamoDbService(options: DynamoDbServiceOptions): Promise<DynamoDbService> {
  const { region, tables, decide, ...local } = options;
  const ddb = await startDynamoDbLocal(local);
  let proxy: LocalEndpoint | undefined;
  try {
    if (decide) proxy = await startDynamoDbFaultProxy({ target: ddb.endpoint, decide });
    const client = new DynamoDBClient({ endpoint: ddb.endpoint, region, credentials: LOCAL_CREDENTIALS });
    try {
      await createTables(client, tables, local.dataDir !== undefined);
    } finally {
      client.destroy();
    }
  } catch (error) {
    await proxy?.close();
    await ddb.stop();
    throw error;
  }
  const functionEndpoint = proxy?.endpoint ?? ddb.endpoint;
  const taskClient = new DynamoDBClient({ endpoint: functionEndpoint, region, credentials: LOCAL_CREDENTIALS, ...(proxy && { maxAttempts: 1 }) });
  return {
    endpoint: ddb.endpoint,
    port: ddb.port,
    pid: ddb.pid,
    functionEndpoint,
    hasFaultProxy: proxy !== undefined,
    taskClient,
    stop: async () => {
      taskClient.destroy();
      await proxy?.close();
      await ddb.stop();
    },
  };
}
