/**
 * The stock admin API's contract: routes, limits and error names. Plain values, so the package
 * root can export them without pulling the API handler (SDK client, zod schema) along.
 */

/** Most units one SKU may hold: a typo in a seed (an extra zero or three) is refused, not stored. */
export { MAX_AVAILABLE } from '@order-flow/contracts';

/** The routes this function serves (the `routeKey` API Gateway sends). */
export const StockRoute = {
  GET: 'GET /inventory/{sku}',
  PUT: 'PUT /inventory/{sku}',
} as const;

/** Error names in the `error` field of the API's 4xx/5xx bodies (besides contracts' 415/413/InvalidJson). */
export const StockApiError = {
  /** 400: the `{sku}` path parameter is not an id. */
  InvalidSku: 'InvalidSku',
  /** 400: the PUT body broke the body rules (`{ available, unitPrice }`, strict); `issues` names each field. */
  InvalidStock: 'InvalidStock',
  /** 404: the SKU was never stocked. */
  UnknownSku: 'UnknownSku',
  /** 404: no such route. */
  NotFound: 'NotFound',
  /** 500: anything unexpected; details go to the log, not the client. */
  InternalError: 'InternalError',
} as const;

