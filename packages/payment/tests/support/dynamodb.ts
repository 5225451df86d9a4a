import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTestTable as createTable, type TemplateJson } from '@order-flow/local/testing';
import { inject } from 'vitest';
import { PaymentStep } from '../../src/construct.js';

/** A uniquely named table on the shared DynamoDB Local, so test files can run in parallel. */
export interface TestTable {
  readonly tableName: string;
  /** A document client on the table's endpoint (what the store and the gateway take). */
  readonly client: DynamoDBDocumentClient;
  item(pk: string): Promise<Record<string, unknown> | undefined>;
  scan(): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

/** The table exactly as the construct declares it (keys, indexes); synthesized once per file. */
function layout(): TemplateJson {
  const stack = new Stack(new App(), 'TableLayout');
  new PaymentStep(stack, 'Payment', { code: lambda.Code.fromInline('exports.handler = () => {}') });
  return Template.fromStack(stack).toJSON();
}

export async function createTestTable(): Promise<TestTable> {
  const table = await createTable({ endpoint: inject('dynamodbEndpoint'), template: layout, prefix: 'payment' });
  return {
    tableName: table.tableName,
    client: table.documentClient,
    item: (pk) => table.item({ pk }),
    scan: () => table.scan(),
    drop: () => table.dispose(),
  };
}
