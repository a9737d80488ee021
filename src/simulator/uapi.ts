import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseAuthorization, secretsMatch } from './auth';
import { sendJson, sendText } from './http-io';
import type { ServerInventory } from './inventory';

export const UAPI_PREFIX = '/execute/';

function uapiEnvelope(moduleName: string, functionName: string, status: 0 | 1, data: unknown, errors: string[] | null) {
  return {
    apiversion: 3,
    module: moduleName,
    func: functionName,
    result: { status, data, errors, messages: null, warnings: null, metadata: {} },
  };
}

/**
 * Handles the one cPanel UAPI call a user-authenticated transfer needs, `DomainInfo::list_domains`,
 * as the cPanel account given by Basic authentication. A real server serves UAPI on port 2083; the
 * simulator serves it beside WHM on one port.
 */
export function handleUapiRequest(
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
  inventory: ServerInventory,
): void {
  const login = parseAuthorization(request.headers.authorization);
  const account = login?.method === 'basic' ? inventory.account(login.user) : undefined;
  const authenticated = login !== undefined && account?.password !== undefined
    && secretsMatch(login.secret, account.password);
  if (!authenticated || account === undefined) {
    sendText(response, 401, 'Access denied', { headers: { 'www-authenticate': 'Basic realm="cPanel"' } });
    return;
  }

  const [moduleName = '', functionName = ''] = pathname.slice(UAPI_PREFIX.length).split('/');
  if (moduleName !== 'DomainInfo' || functionName !== 'list_domains') {
    sendJson(response, 200, uapiEnvelope(moduleName, functionName, 0, null,
      [`The WHM simulator does not implement the UAPI function “${moduleName}::${functionName}”.`]));
    return;
  }
  sendJson(response, 200, uapiEnvelope(moduleName, functionName, 1, {
    main_domain: account.domain,
    addon_domains: [],
    parked_domains: [],
    sub_domains: [],
  }, null));
}
