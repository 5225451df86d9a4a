/**
 * `@order-flow/contracts/zod`: the `zod/mini` functions the contracts are built with, for a step
 * that defines its own (private) schemas on the same zod, so a bundle carries one copy.
 * @module
 */
import * as mini from 'zod/mini';
import { globalConfig } from 'zod/v4/core';
import en from 'zod/v4/locales/en.js';

/*
 * The contracts are built on `zod/mini`: the same engine as classic `zod`, with a functional API
 * a bundler can tree-shake, so a handler bundle carries only the schema types and checks the
 * contracts use (classic zod's chainable methods pull in all of it, ~90 KB minified).
 *
 * Classic `zod` installs English messages on its first schema; `zod/mini` installs none, and its
 * default messages (the few rules without a message of their own) would read "Invalid input".
 * English is installed by {@link configureZodErrors}, called explicitly, never as a side effect of
 * importing this package (it is `sideEffects: false`): by the contracts' own parse helpers
 * (`parseOrThrow`, `parseJsonBody`) before they parse, and by an application (a handler module)
 * that calls a schema's `safeParse` itself.
 */

/**
 * Installs zod's English error messages unless the application configured a locale first (theirs
 * wins, as with classic zod). Idempotent and cheap: call it before parsing input whose messages
 * reach a caller.
 * @example
 * configureZodErrors();
 * const sku = IdSchema.safeParse(request.pathParameters?.sku);
 */
export function configureZodErrors(): void {
  if (!globalConfig.localeError) mini.config(en());
}

export const array = mini.array;
export const boolean = mini.boolean;
export const discriminatedUnion = mini.discriminatedUnion;
const enum_ = mini.enum;
export const extend = mini.extend;
export const int = mini.int;
export const literal = mini.literal;
export const maxLength = mini.maxLength;
export const maximum = mini.maximum;
export const minLength = mini.minLength;
export const minimum = mini.minimum;
export const number = mini.number;
export const object = mini.object;
export const optional = mini.optional;
export const refine = mini.refine;
export const regex = mini.regex;
export const safeParse = mini.safeParse;
export const strictObject = mini.strictObject;
export const string = mini.string;
export const superRefine = mini.superRefine;
export const unknown = mini.unknown;
export { enum_ as enum };
export type { core, infer } from 'zod/mini';
