/**
 * The Amazon States Language JSON schema of `asl-validator` 4.0.0, compiled ONCE.
 *
 * `asl-validator`'s own entry point builds a new Ajv instance and compiles all fifteen schemas on
 * every call (~0.7 s each time), which made every CreateStateMachine, runtime start and
 * conformance case pay that. This module uses the same schemas, formats and error selection,
 * loaded from the installed asl-validator (resolved through it, so its own ajv, ajv-formats and
 * asl-path-validator are used), with one compiled validator for the process.
 */
import { createRequire } from 'node:module';

interface AjvError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string;
}
interface AjvInstance {
  addFormat(name: string, validate: (value: string) => boolean): void;
  getSchema(id: string): ((data: unknown) => boolean) & { errors?: readonly AjvError[] | null };
}

const SCHEMA_FILES = ['common', 'paths', 'jsonata', 'choice', 'fail', 'parallel', 'pass', 'base-state-machine', 'state-machine', 'state', 'succeed', 'task', 'wait', 'map', 'errors'];
const STATE_MACHINE_SCHEMA = 'http://asl-validator.cloud/state-machine.json#';

let compiled: ((data: unknown) => boolean) & { errors?: readonly AjvError[] | null } | undefined;

function validator(): ((data: unknown) => boolean) & { errors?: readonly AjvError[] | null } {
  if (compiled) return compiled;
  const fromValidator = createRequire(createRequire(import.meta.url).resolve('asl-validator'));
  const Ajv = (fromValidator('ajv') as { default: new (options: object) => AjvInstance }).default;
  const addFormats = (fromValidator('ajv-formats') as { default: (ajv: AjvInstance) => void }).default;
  const { registerAll } = fromValidator('asl-path-validator') as { registerAll: (ajv: AjvInstance) => void };
  const { isArnFormatValid } = fromValidator('./checks/formats') as { isArnFormatValid: (value: string) => boolean };
  const jsonata = fromValidator('jsonata') as (expression: string) => unknown;
  const schemas = SCHEMA_FILES.map((name) => fromValidator(`./schemas/${name}.json`) as object);
  const ajv = new Ajv({ schemas, allowUnionTypes: true });
  addFormats(ajv);
  // The same formats asl-validator registers (checkPaths and checkArn on).
  const jsonataString = (value: string) => {
    const trimmed = value.trim();
    try {
      jsonata(trimmed.replace(/^\{%/, '').replace(/%\}$/, ''));
      return true;
    } catch {
      return false;
    }
  };
  ajv.addFormat('jsonata_string', jsonataString);
  ajv.addFormat('maybe_jsonata_string', (value) => {
    const trimmed = value.trim();
    return trimmed.startsWith('{%') || trimmed.endsWith('%}') ? jsonataString(trimmed) : true;
  });
  registerAll(ajv);
  ajv.addFormat('asl_arn', isArnFormatValid);
  compiled = ajv.getSchema(STATE_MACHINE_SCHEMA);
  return compiled;
}

/**
 * Schema problems of a definition, worded as asl-validator words them
 * (`SCHEMA_VALIDATION_FAILED: /States/X/Resource is invalid. must match ...`): of Ajv's errors,
 * the deepest ones, and of those at a `oneOf`, only the `oneOf` (as asl-validator selects them).
 */
export function schemaProblems(definition: Readonly<Record<string, unknown>>): string[] {
  const validate = validator();
  // The schema reads each state's QueryLanguage; asl-validator fills in the default first.
  const copy = JSON.parse(JSON.stringify(definition)) as Record<string, unknown>;
  fillQueryLanguage(copy, (copy.QueryLanguage as string | undefined) ?? 'JSONPath');
  if (validate(copy)) return [];
  const errors = validate.errors ?? [];
  let deepest = 0;
  let selected: AjvError[] = [];
  for (const error of errors) {
    const depth = error.instancePath.split('/').length;
    if (depth > deepest) {
      deepest = depth;
      selected = [error];
    } else if (depth === deepest) {
      selected.push(error);
    }
  }
  const oneOfPaths = new Set(selected.filter((error) => error.keyword === 'oneOf').map((error) => error.instancePath));
  return selected
    .filter((error) => error.keyword === 'oneOf' || !oneOfPaths.has(error.instancePath))
    .map((error) => `SCHEMA_VALIDATION_FAILED: ${error.instancePath} is invalid. ${error.message ?? ''}`)
    .filter((problem, index, all) => all.indexOf(problem) === index);
}

// Only real states blocks (top level, Parallel branches, Map processors), unlike asl-validator's
// `$..States`, which also took any payload key named "States" for one.
function fillQueryLanguage(block: Record<string, unknown>, language: string): void {
  const states = block.States;
  if (typeof states !== 'object' || states === null) return;
  for (const state of Object.values(states as Record<string, Record<string, unknown>>)) {
    if (typeof state !== 'object' || state === null) continue;
    state.QueryLanguage ??= language;
    for (const branch of (Array.isArray(state.Branches) ? state.Branches : []) as Record<string, unknown>[]) fillQueryLanguage(branch, language);
    const processor = (state.ItemProcessor ?? state.Iterator) as Record<string, unknown> | undefined;
    if (processor && typeof processor === 'object') fillQueryLanguage(processor, language);
  }
}
