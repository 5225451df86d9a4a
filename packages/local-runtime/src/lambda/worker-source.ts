/**
 * Bootstrap of one execution environment (a worker thread), kept as a JavaScript string (run
 * with `eval: true`) so it works unchanged from TypeScript sources (vitest) and from dist.
 *
 * Lifecycle, as in the Lambda execution environment: the Init phase starts at once (the handler
 * module is loaded, its top-level code runs) and ends with `{ type: 'init', error? }`. Then the
 * environment serves ONE invocation at a time: parent -> `{ id, event: <JSON text>, context }`;
 * worker -> `{ type: 'result', id, result: <JSON text> }` or `{ type: 'result', id, error }`.
 *
 * Handler loading mirrors the Node.js runtime interface client (aws-lambda-nodejs-runtime-
 * interface-client, `UserFunction`): `.mjs` is imported, `.cjs` is required, and `.js` is
 * imported when the nearest package.json between the file and the task root says
 * `"type": "module"`, required otherwise. Errors: a SyntaxError -> `Runtime.UserCodeSyntaxError`,
 * a CommonJS `MODULE_NOT_FOUND` -> `Runtime.ImportModuleError`, anything else thrown while loading
 * is reported as is (its own errorType, as the real runtime does), a missing export ->
 * `Runtime.HandlerNotFound`.
 *
 * AWS SDK v3: the Node.js 18+ runtimes ship it, so bundles may leave `@aws-sdk/*` external. A
 * resolve hook retries a bare `@aws-sdk/*` specifier the task root cannot resolve from the local
 * runtime's own location (`workerData.sdkParentUrl`), for `import` and (with `registerHooks`,
 * Node >= 22.15) `require` alike.
 */
export const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
const { createRequire } = require('node:module');
const nodeModule = require('node:module');
const { existsSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

// V8 code cache on disk, shared by every environment: a cold start compiles the bundle once.
const { tmpdir } = require('node:os');
if (typeof nodeModule.enableCompileCache === 'function') nodeModule.enableCompileCache(join(tmpdir(), 'order-flow-lambda-compile-cache'));

// Date reads the runtime's clock (virtual time in tests): the parent sends its skew from wall
// time with each invocation (and at start, for the Init phase). Objects made by the original Date
// (fs.Stats times, say) still pass instanceof Date.
let clockSkewMs = workerData.clockSkewMs || 0;
{
  const WallDate = Date;
  class LambdaDate extends WallDate {
    constructor(...args) {
      if (args.length === 0) super(WallDate.now() + clockSkewMs);
      else super(...args);
    }
    static now() { return WallDate.now() + clockSkewMs; }
    static [Symbol.hasInstance](value) { return value instanceof WallDate; }
  }
  // Date() called without new returns the current time as a string.
  globalThis.Date = new Proxy(LambdaDate, { apply: () => new LambdaDate().toString() });
}

const isNotFound = (error) => error && (error.code === 'ERR_MODULE_NOT_FOUND' || error.code === 'MODULE_NOT_FOUND');
const isSdk = (specifier) => typeof specifier === 'string' && specifier.startsWith('@aws-sdk/');
// The require() retry below goes through this hook again: without the guard, an @aws-sdk package
// the runtime lacks too would recurse until the stack overflows instead of failing to load.
let retryingSdk = false;
if (typeof nodeModule.registerHooks === 'function') {
  nodeModule.registerHooks({
    resolve(specifier, context, nextResolve) {
      try {
        return nextResolve(specifier, context);
      } catch (error) {
        if (!isSdk(specifier) || !isNotFound(error) || retryingSdk) throw error;
        retryingSdk = true;
        try {
          // require() resolves from the parent module's paths, not from parentURL: resolve it here.
          if (context.conditions && context.conditions.includes('require')) {
            return { url: pathToFileURL(createRequire(workerData.sdkParentUrl).resolve(specifier)).href, shortCircuit: true };
          }
          return nextResolve(specifier, { ...context, parentURL: workerData.sdkParentUrl });
        } catch {
          // Not in the runtime's SDK either: the task root's own error, as Lambda reports it.
          throw error;
        } finally {
          retryingSdk = false;
        }
      }
    },
  });
} else if (typeof nodeModule.register === 'function') {
  // Older Node.js 22: off-thread hooks, for import only.
  const hooks = 'let base; export function initialize(data) { base = data.base; }' +
    ' export async function resolve(specifier, context, next) { try { return await next(specifier, context); }' +
    ' catch (error) { if (!specifier.startsWith("@aws-sdk/") || error.code !== "ERR_MODULE_NOT_FOUND") throw error;' +
    ' return next(specifier, { ...context, parentURL: base }); } }';
  nodeModule.register('data:text/javascript,' + encodeURIComponent(hooks), { data: { base: workerData.sdkParentUrl } });
}

function packageTypeIsModule(file) {
  let dir = dirname(file);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try { return JSON.parse(readFileSync(manifest, 'utf8')).type === 'module'; } catch { return false; }
    }
    if (dir === workerData.taskRoot || dirname(dir) === dir) return false;
    dir = dirname(dir);
  }
}

function toLambdaError(error) {
  if (error instanceof Error) {
    return { errorType: error.name || 'Error', errorMessage: error.message, trace: String(error.stack || '').split('\n') };
  }
  if (error && typeof error === 'object' && typeof error.errorType === 'string') return error;
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

async function loadHandler() {
  const { file, exportPath, handler } = workerData;
  let mod;
  try {
    const esm = file.endsWith('.mjs') || (file.endsWith('.js') && packageTypeIsModule(file));
    mod = esm ? await import(pathToFileURL(file).href) : createRequire(file)(file);
  } catch (error) {
    const trace = String(error && error.stack || '').split('\n');
    if (error instanceof SyntaxError) throw { errorType: 'Runtime.UserCodeSyntaxError', errorMessage: String(error), trace };
    if (error && error.code === 'MODULE_NOT_FOUND') throw { errorType: 'Runtime.ImportModuleError', errorMessage: String(error), trace };
    throw toLambdaError(error);
  }
  let fn = mod;
  for (const key of exportPath) fn = fn == null ? undefined : fn[key];
  if (typeof fn !== 'function') {
    throw { errorType: 'Runtime.HandlerNotFound', errorMessage: handler + ' is undefined or not exported', trace: [] };
  }
  return fn;
}

process.on('unhandledRejection', (reason) => {
  const message = reason instanceof Error ? reason.name + ': ' + reason.message : String(reason);
  parentPort.postMessage({ type: 'crash', error: { errorType: 'Runtime.UnhandledPromiseRejection', errorMessage: message, trace: String(reason && reason.stack || '').split('\n') } });
  process.exit(128);
});

const loading = loadHandler();
loading.then(
  () => {
    if (typeof nodeModule.flushCompileCache === 'function') nodeModule.flushCompileCache();
    parentPort.postMessage({ type: 'init' });
  },
  (error) => parentPort.postMessage({ type: 'init', error: toLambdaError(error) }),
);

parentPort.on('message', async (message) => {
  const { id, event, context } = message;
  try {
    const handler = await loading;
    const { deadline, clockSkewMs: skew, ...fields } = context;
    clockSkewMs = skew || 0;
    const lambdaContext = {
      ...fields,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    const result = await new Promise((resolve, reject) => {
      const callback = (error, value) => (error ? reject(error) : resolve(value));
      const returned = handler(JSON.parse(event), lambdaContext, callback);
      if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
      else if (handler.length < 3) resolve(returned);
    });
    parentPort.postMessage({ type: 'result', id, result: JSON.stringify(result === undefined ? null : result) });
  } catch (error) {
    parentPort.postMessage({ type: 'result', id, error: toLambdaError(error) });
  }
});
`;
