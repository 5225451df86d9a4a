import { CreateTableCommand, type CreateTableCommandInput, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Resource types that become a DynamoDB Local table. `TableV2` synthesizes `GlobalTable`. */
export const TABLE_TYPES: ReadonlySet<string> = new Set(['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable']);

type Props = Record<string, unknown>;

/**
 * Maps a (resolved) table resource's properties to a CreateTable request for DynamoDB Local:
 * keys, attribute definitions, GSIs and LSIs kept; capacity settings, replicas, streams, TTL,
 * encryption and tags dropped (always on-demand locally).
 *
 * @param tableName the physical table name
 * @param properties the resource's properties with intrinsics already resolved
 */
export function toCreateTableInput(tableName: string, properties: Props): CreateTableCommandInput {
  const input: CreateTableCommandInput = {
    TableName: tableName,
    KeySchema: properties.KeySchema as CreateTableCommandInput['KeySchema'],
    AttributeDefinitions: properties.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
    BillingMode: 'PAY_PER_REQUEST',
  };
  const gsis = secondaryIndexes(properties.GlobalSecondaryIndexes);
  if (gsis) input.GlobalSecondaryIndexes = gsis;
  const lsis = secondaryIndexes(properties.LocalSecondaryIndexes);
  if (lsis) input.LocalSecondaryIndexes = lsis;
  return input;
}

/** A template's GSI or LSI list as CreateTable takes it (name, keys, projection), or undefined when empty. */
function secondaryIndexes(indexes: unknown) {
  const list = indexes as Props[] | undefined;
  if (!list?.length) return undefined;
  return list.map((index) => ({
    IndexName: index.IndexName as string,
    KeySchema: index.KeySchema as NonNullable<CreateTableCommandInput['KeySchema']>,
    Projection: index.Projection as { ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE' },
  }));
}

/**
 * Creates one table in DynamoDB Local; the error names the table and its logical id.
 *
 * @param ifAbsent keep a table that already exists (`ResourceInUseException`), as a runtime that
 *   persists its data finds its tables again on restart
 */
export async function createTable(client: DynamoDBClient, input: CreateTableCommandInput, label: string, ifAbsent = false): Promise<void> {
  try {
    await client.send(new CreateTableCommand(input));
  } catch (error) {
    if (ifAbsent && (error as Error).name === 'ResourceInUseException') return;
    throw new Error(`Could not create table ${input.TableName} (${label}) in DynamoDB Local: ${(error as Error).message}`, { cause: error });
  }
}
