/**
 * What the construct and the Lambda entries agree on. Kept apart from both so an entry never
 * imports the construct (aws-cdk-lib) and the construct never imports an entry (the SDK client).
 */

/** Environment variable holding the inventory table name; set by `InventoryStep` on both functions. */
export const INVENTORY_TABLE_NAME_ENV = 'INVENTORY_TABLE_NAME';
