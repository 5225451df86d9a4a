import type { HttpApiDefinition, HttpFunctionInvoker } from './from-assembly.js';
import type { PortOption } from '../aws-protocol/tcp-ports.js';
import { startHttpApi, type LocalHttpApi } from './server.js';

/** An HTTP API of the assembly, served locally. */
export interface LocalHttpApiInfo extends HttpApiDefinition {
  /** `http://127.0.0.1:<port>`: the API's invoke URL for the `$default` stage. */
  readonly endpoint: string;
}

/**
 * Serves each HTTP API on its port (same order). Authorization is not checked locally: the
 * runtime lists that once among the unsupported properties, so the servers' own notices are off.
 * A server that fails to start closes the ones already started.
 */
export async function serveHttpApis(
  apis: readonly HttpApiDefinition[],
  ports: readonly PortOption[],
  settings: { readonly accountId: string; readonly invoke: HttpFunctionInvoker; readonly localRoutes?: Readonly<Record<string, () => unknown>> },
): Promise<{ servers: LocalHttpApi[]; infos: LocalHttpApiInfo[] }> {
  const servers: LocalHttpApi[] = [];
  const infos: LocalHttpApiInfo[] = [];
  try {
    for (const [i, api] of apis.entries()) {
      const server = await startHttpApi({
        routes: api.routes,
        stages: api.stages,
        apiId: api.apiId,
        accountId: settings.accountId,
        name: `HTTP API ${api.path ?? api.name}`,
        port: ports[i]!,
        invoke: settings.invoke,
        log: () => undefined,
        ...(settings.localRoutes && { localRoutes: settings.localRoutes }),
      });
      servers.push(server);
      infos.push({ ...api, endpoint: server.endpoint });
    }
  } catch (error) {
    await Promise.all(servers.map((server) => server.close()));
    throw error;
  }
  return { servers, infos };
}
