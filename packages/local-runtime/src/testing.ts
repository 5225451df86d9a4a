/**
 * Vitest global setup that starts one DynamoDB Local for a test project and hands its endpoint
 * to the tests (`inject('dynamodbEndpoint')`). Each test creates its own uniquely named tables.
 *
 * @example
 * // vitest.config.ts
 * test: { globalSetup: ['./tests/global-setup.ts'] }
 * // tests/global-setup.ts
 * export { default } from '@order-flow/local/testing';
 */
import type {} from 'vitest';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal } from './dynamodb/local.js';
import { TABLE_TYPES, toCreateTableInput } from './cloudformation/tables.js';

export { findFreePort, PortInUseError } from './aws-protocol/tcp-ports.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

interface Provider {
  provide(key: 'dynamodbEndpoint', value: string): void;
}

export default async function setup(project: Provider): Promise<() => Promise<void>> {
  const ddb = await startDynamoDbLocal();
  project.provide('dynamodbEndpoint', ddb.endpoint);
  return () => ddb.stop();
}

/** A CloudFormation template as `Template.fromStack(stack).toJSON()` returns it. */
export interface TemplateJson {
  readonly Resources?: Readonly<Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>>;
}

/**
 * The CreateTable request for the one DynamoDB table a synthesized template declares, under
 * `tableName`: tests create their tables from the construct's own layout (keys, indexes) instead
 * of a hand-written copy that could drift from it.
 *
 * @example
 * const stack = new Stack(new App(), 'T');
 * new PaymentStep(stack, 'Payment', { code: lambda.Code.fromInline('') });
 * await client.send(new CreateTableCommand(tableLayoutFromTemplate(Template.fromStack(stack).toJSON(), 'payment-1')));
 */
export function tableLayoutFromTemplate(template: TemplateJson, tableName: string): CreateTableCommandInput {
  const tables = Object.values(template.Resources ?? {}).filter((resource) => TABLE_TYPES.has(resource.Type));
  if (tables.length !== 1) throw new Error(`Expected exactly one DynamoDB table in the template, found ${tables.length}`);
  return toCreateTableInput(tableName, tables[0]!.Properties ?? {});
}
