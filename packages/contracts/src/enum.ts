/**
 * A closed set of string values as a constant object whose keys are the values themselves
 * (`OrderStatus.PENDING === 'PENDING'`): code names a value through the object, so a typo is a
 * compile error, and `z.enum(TheObject)` validates it. Each value is written once, so a key and
 * its value cannot drift apart.
 *
 * @example
 * export const OrderStatus = enumOf('PENDING', 'CONFIRMED', 'FAILED');
 * export type OrderStatus = EnumValue<typeof OrderStatus>; // 'PENDING' | 'CONFIRMED' | 'FAILED'
 */
export function enumOf<const V extends string>(...values: readonly V[]): { readonly [K in V]: K } {
  return Object.fromEntries(values.map((value) => [value, value])) as { readonly [K in V]: K };
}

/** The union of the values of an {@link enumOf} object (or any constant object). */
export type EnumValue<T> = T[keyof T];
