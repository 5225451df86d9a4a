/** The assembly's tables, created in DynamoDB Local. */
import type { CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AssemblyResolver, ResourceRef } from '../cloudformation/resolver.js';
import { namedInfoOf, pick, type NamedResourceInfo } from '../cloudformation/resources.js';
import { TABLE_TYPES, createTable, toCreateTableInput } from '../cloudformation/tables.js';

const TABLE_KEYS = ['KeySchema', 'AttributeDefinitions', 'GlobalSecondaryIndexes', 'LocalSecondaryIndexes'];

/** A table to create: its CreateTable request, and its name and ARN. */
export interface TablePlan {
  readonly label: string;
  readonly input: CreateTableCommandInput;
  readonly info: NamedResourceInfo;
}

/** The CreateTable requests of the active tables (fails on the assembly alone, before Java starts). */
export function planTables(active: readonly ResourceRef[], resolver: AssemblyResolver): TablePlan[] {
  return active
    .filter(({ resource }) => TABLE_TYPES.has(resource.type))
    .map(({ stack, resource }) => ({
      label: `${stack.stackName}/${resource.logicalId}`,
      input: toCreateTableInput(resolver.physicalName(stack, resource.logicalId), resolver.resolve(stack, pick(resource.properties, TABLE_KEYS)) as Record<string, unknown>),
      info: namedInfoOf(resolver, stack, resource, 'Arn'),
    }));
}

/** Creates the tables; `ifAbsent` keeps the ones a persisted DynamoDB Local already has. */
export async function createTables(client: DynamoDBClient, plans: readonly TablePlan[], ifAbsent: boolean): Promise<void> {
  await Promise.all(plans.map((plan) => createTable(client, plan.input, plan.label, ifAbsent)));
}
