/** The table a step creates: its defaults, its retention, and the props that only apply to it. */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';

/** Removal policy and deletion protection of a table a step construct creates. */
export interface TableRetentionProps {
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** @default - true, or false when `removalPolicy` deletes the table (DESTROY, SNAPSHOT) */
  readonly deletionProtection?: boolean;
}

/**
 * The removal policy and deletion protection of a step's table, made to agree: by default the
 * table is retained and deletion-protected; with a removal policy that deletes it
 * (`RemovalPolicy.DESTROY`, or `SNAPSHOT`, which also deletes), deletion protection defaults to
 * off, because CloudFormation cannot delete a deletion-protected table and `cdk destroy` would
 * fail. Asking for both is an error.
 *
 * @param owner names the construct in the error, e.g. its `node.path`
 * @throws Error naming `removalPolicy` and `deletionProtection` when a deleting removal policy
 *   is combined with `deletionProtection: true`
 */
export function tableRetention(owner: string, props: TableRetentionProps): Required<TableRetentionProps> {
  const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
  const deletes = removalPolicy === RemovalPolicy.DESTROY || removalPolicy === RemovalPolicy.SNAPSHOT;
  if (deletes && props.deletionProtection === true) {
    throw new Error(
      `${owner}: removalPolicy ${removalPolicy} deletes the table when it leaves the stack, but deletionProtection: true forbids deleting it ` +
        '(cdk destroy would fail). Set deletionProtection: false (or leave it unset) with RemovalPolicy.DESTROY, or keep the default RemovalPolicy.RETAIN.',
    );
  }
  return { removalPolicy, deletionProtection: props.deletionProtection ?? !deletes };
}

/** Props of {@link stepTable}: a table the user brings, or the retention of the one created. */
export interface StepTableProps extends TableRetentionProps {
  /**
   * A table to use instead of creating one (its partition key as the step documents it).
   * @default - a new on-demand TableV2 with point-in-time recovery and deletion protection
   */
  readonly table?: dynamodb.ITableV2;
  /**
   * Deletion protection of the table this construct creates. Not allowed together with `table`;
   * `true` together with `RemovalPolicy.DESTROY` is an error (CloudFormation could not delete the
   * table, and `cdk destroy` would fail).
   * @default - true; false with `removalPolicy: RemovalPolicy.DESTROY`
   */
  readonly deletionProtection?: boolean;
}

/**
 * A step's table: `props.table` when the user brings one, otherwise a new `TableV2` (construct id
 * `Table` under `scope`) keyed by the string attribute `partitionKey`, billed on demand, with
 * point-in-time recovery and the retention of {@link tableRetention}.
 *
 * @throws Error naming the prop when `removalPolicy` or `deletionProtection` comes with `table`:
 *   they apply only to a table the construct creates, and would otherwise be silently ignored
 * @throws Error from {@link tableRetention} when the retention props contradict each other
 */
export function stepTable(scope: Construct, partitionKey: string, props: StepTableProps): dynamodb.ITableV2 {
  if (props.table) {
    for (const prop of ['removalPolicy', 'deletionProtection'] as const) {
      if (props[prop] !== undefined) {
        throw new Error(`${scope.node.path}: ${prop} applies only to a table this construct creates; do not combine it with table`);
      }
    }
    return props.table;
  }
  return new dynamodb.TableV2(scope, 'Table', {
    partitionKey: { name: partitionKey, type: dynamodb.AttributeType.STRING },
    billing: dynamodb.Billing.onDemand(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    ...tableRetention(scope.node.path, props),
  });
}
