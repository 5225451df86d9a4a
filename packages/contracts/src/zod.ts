import * as mini from 'zod/mini';
import { globalConfig } from 'zod/v4/core';
import en from 'zod/v4/locales/en.js';

/*
 * The contracts are built on `zod/mini`: the same engine as classic `zod`, with a functional API
 * a bundler can tree-shake, so a handler bundle carries only the schema types and checks the
 * contracts use (classic zod's chainable methods pull in all of it, ~90 KB minified).
 *
 * Classic `zod` installs English messages on its first schema; `zod/mini` installs none, and its
 * messages would read "Invalid input". Installing English here keeps every message identical; a
 * locale the application configured first still wins, as with classic zod.
 *
 * The package is `sideEffects: false`, so a bundler drops a module none of whose own bindings is
 * used, even if it re-exports things that are. Every schema module builds from the bindings below
 * (local constants, not re-exports), which keeps this module, and the locale, in every bundle
 * that uses a schema.
 */
if (!globalConfig.localeError) mini.config(en());

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
