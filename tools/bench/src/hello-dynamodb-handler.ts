/**
 * The SDK floor of the cold-start benchmark: one GetItem through the same clients, with the same
 * settings, as the step handlers (a DynamoDBDocumentClient over `new DynamoDBClient({})`,
 * `removeUndefinedValues`), and nothing else: no validation, no logger, no domain code, no
 * priming. Whatever a handler costs above this is its own code; whatever this costs above
 * hello-world is the SDK's.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

/** The event: the key of the item to read. */
export interface HelloDynamoDbEvent {
  readonly key: Record<string, string>;
}

// Created at module init, like the handlers' clients.
const client = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
// HELLO_TABLE_ENV of cold-start.ts (not imported: this module is bundled on its own).
const tableName = process.env.HELLO_TABLE_NAME;

/** One GetItem; `found` tells the bench the read hit the seeded item. */
export const handler = async (event: HelloDynamoDbEvent): Promise<{ found: boolean }> => {
  const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: event.key }));
  return { found: Item !== undefined };
};
