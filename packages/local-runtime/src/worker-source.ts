/**
 * Bootstrap of a function's worker thread, kept as a JavaScript string (run with `eval: true`)
 * so it works unchanged from TypeScript sources (vitest) and from dist without copying files.
 *
 * Protocol: parent -> `{ id, event: <JSON text>, context }`; worker -> `{ id, result: <JSON text> }`
 * or `{ id, error: { errorType, errorMessage, trace } }`. The bundle is imported once (cold
 * start) and then serves any number of concurrent invocations.
 */
export const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');

let loading;
function loadHandler() {
  loading ??= (async () => {
    let mod;
    try {
      mod = await import(pathToFileURL(workerData.file).href);
    } catch (error) {
      throw { errorType: 'Runtime.ImportModuleError', errorMessage: 'Error: ' + (error && error.message || String(error)), trace: String(error && error.stack || '').split('\n') };
    }
    let fn = mod;
    for (const key of workerData.exportPath) fn = fn == null ? undefined : fn[key];
    if (typeof fn !== 'function' && mod.default) {
      fn = mod.default;
      for (const key of workerData.exportPath) fn = fn == null ? undefined : fn[key];
    }
    if (typeof fn !== 'function') {
      throw { errorType: 'Runtime.HandlerNotFound', errorMessage: workerData.handler + ' is undefined or not exported', trace: [] };
    }
    return fn;
  })();
  return loading;
}

function toLambdaError(error) {
  if (error instanceof Error) {
    return { errorType: error.name || 'Error', errorMessage: error.message, trace: String(error.stack || '').split('\n') };
  }
  if (error && typeof error === 'object' && typeof error.errorType === 'string') return error;
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

parentPort.on('message', async (message) => {
  const { id, event, context } = message;
  try {
    const handler = await loadHandler();
    const { deadline, ...fields } = context;
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
    parentPort.postMessage({ id, result: JSON.stringify(result === undefined ? null : result) });
  } catch (error) {
    parentPort.postMessage({ id, error: toLambdaError(error) });
  }
});
`;
