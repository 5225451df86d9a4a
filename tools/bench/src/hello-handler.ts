/** The floor of the cold-start benchmark: a handler that loads nothing and does nothing. */
export const handler = (event: unknown): Promise<{ ok: true; event: unknown }> => Promise.resolve({ ok: true, event });
