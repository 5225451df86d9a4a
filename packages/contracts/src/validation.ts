import * as z from './zod.js';
import { ErrorName } from './status.js';

/** One offending field: `path` in dot form (`items.0.quantity`) and the rule it broke. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * Input that broke the contract. `name` is the Step Functions error (`InvalidInput` for step
 * events, `InvalidOrder` for a submitted order); the message names every field and rule.
 */
export class ValidationError extends Error {
  constructor(
    override readonly name: typeof ErrorName.InvalidInput | typeof ErrorName.InvalidOrder,
    readonly issues: readonly ValidationIssue[],
  ) {
    super(issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; '));
  }
}

/**
 * Flattens zod issues into `{ path, message }` pairs with dot paths. An unexpected field becomes
 * one issue per field, at that field's own path (`items.0.unitPrice: is not allowed here`).
 */
export function toIssues(error: z.core.$ZodError): ValidationIssue[] {
  return error.issues.flatMap((issue) => {
    const base = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...base, key].join('.'), message: 'is not allowed here' }));
    }
    return [{ path: base.join('.'), message: issue.message }];
  });
}

/**
 * Parses `input` with `schema`, or throws a {@link ValidationError} listing every offending field.
 * @example const event = parseOrThrow(ReserveInputSchema, raw); // throws InvalidInput: "items.0.quantity: must be at least 1"
 */
export function parseOrThrow<S extends z.core.$ZodType>(
  schema: S,
  input: unknown,
  errorName: ValidationError['name'] = ErrorName.InvalidInput,
): z.infer<S> {
  z.configureZodErrors();
  const result = z.safeParse(schema, input);
  if (result.success) return result.data;
  throw new ValidationError(errorName, toIssues(result.error));
}
