import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticateWhmUser } from './auth';
import type { SimulatorControl } from './control';
import { CONTROL_PREFIX, handleControlRequest } from './control-routes';
import {
  ACCESS_DENIED_BODY, failureEnvelope, LEGACY_API_BODY, successEnvelope, WhmFunctionFailure,
} from './envelope';
import type { ActiveFault } from './faults';
import type { FunctionTable } from './functions';
import { HttpRequestError, mediaType, readBody, sendJson, sendText } from './http-io';
import { randomAlphanumeric } from './random';
import type { SimulatorRuntime } from './runtime';
import { SimulatorClosedError } from './timers';
import { handleUapiRequest, UAPI_PREFIX } from './uapi';

/** `/json-api/FN` (header authentication) and `/cpsessNNNNNNNNNN/json-api/FN` (session path form). */
const JSON_API_PATH = /^(?:\/cpsess\d{10})?\/json-api\/([^/]+)$/;

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function sendAccessDenied(response: ServerResponse): void {
  sendText(response, 403, ACCESS_DENIED_BODY, { statusMessage: 'Forbidden Access denied' });
}

/** Reads GET query parameters, plus form fields of a POST body, which win over the query. */
async function readParameters(request: IncomingMessage, url: URL): Promise<Map<string, string>> {
  const parameters = new Map(url.searchParams);
  if (request.method !== 'POST') return parameters;

  const type = mediaType(request);
  if (type !== '' && type !== 'application/x-www-form-urlencoded') {
    throw new HttpRequestError(415, `WHM API 1 accepts GET query strings or application/x-www-form-urlencoded POST bodies, not “${type}”.`);
  }
  for (const [key, value] of new URLSearchParams(await readBody(request))) parameters.set(key, value);
  return parameters;
}

/**
 * Creates the listener of one simulator: WHM API 1 under `/json-api/`, the control endpoint under
 * `/__simulator/`, and the cPanel UAPI call user transfers need under `/execute/`.
 */
export function createRequestHandler(
  runtime: SimulatorRuntime,
  functions: FunctionTable,
  control: SimulatorControl,
): (request: IncomingMessage, response: ServerResponse) => void {
  const credentials = runtime.options.credentials;

  async function applyFault(fault: ActiveFault, functionName: string, response: ServerResponse): Promise<boolean> {
    runtime.logger.info({ function: functionName, kind: fault.kind }, 'WHM simulator applies an injected fault');
    switch (fault.kind) {
      case 'http-500':
        sendText(response, 500, 'Internal Server Error');
        return true;
      case 'http-503':
        sendText(response, 503, 'Service Unavailable', { headers: { 'retry-after': '1' } });
        return true;
      case 'http-403':
        sendAccessDenied(response);
        return true;
      case 'drop':
        response.socket?.destroy();
        return true;
      case 'result-0':
        sendJson(response, 200, failureEnvelope(functionName, fault.reason));
        return true;
      case 'delay':
        await runtime.timers.sleep(fault.delayMs);
        return false;
    }
  }

  async function callFunction(functionName: string, params: Record<string, string>, user: string, response: ServerResponse) {
    const handler = functions[functionName];
    if (handler === undefined) {
      sendJson(response, 200, failureEnvelope(functionName,
        `Unknown app (${functionName}) requested for this version (1) of the API.`));
      return;
    }

    try {
      sendJson(response, 200, successEnvelope(functionName, await handler({ params, user })));
    } catch (error) {
      if (error instanceof SimulatorClosedError) throw error;
      if (error instanceof WhmFunctionFailure) {
        sendJson(response, 200, failureEnvelope(functionName, error.reason));
        return;
      }
      runtime.logger.error({ err: error, function: functionName }, 'WHM simulator function raised an unexpected error');
      const message = error instanceof Error ? error.message : String(error);
      sendJson(response, 200, failureEnvelope(functionName, `API failure: (XID ${randomAlphanumeric(6).toLowerCase()}) ${message}`));
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://simulator.invalid');
    if (url.pathname.startsWith(UAPI_PREFIX)) {
      handleUapiRequest(request, response, url.pathname, runtime.inventory);
      return;
    }

    const isControl = url.pathname.startsWith(CONTROL_PREFIX);
    const match = JSON_API_PATH.exec(url.pathname);
    if (!isControl && match === null) {
      sendText(response, 404, `No WHM API at “${url.pathname}”; call /json-api/FUNCTION?api.version=1.`);
      return;
    }

    const user = authenticateWhmUser(request.headers.authorization, credentials);
    if (user === undefined) {
      sendAccessDenied(response);
      return;
    }
    if (isControl) {
      await handleControlRequest(request, response, url.pathname, control);
      return;
    }

    if (request.method !== 'GET' && request.method !== 'POST') {
      sendText(response, 405, 'WHM API 1 accepts GET and POST.', { headers: { allow: 'GET, POST' } });
      return;
    }
    const functionName = decodePathSegment(match?.[1] ?? '');
    const parameters = await readParameters(request, url);
    if (parameters.get('api.version') !== '1') {
      sendJson(response, 200, LEGACY_API_BODY);
      return;
    }

    // cPanel removes every `api.*` key before the function validates its arguments.
    const params = Object.fromEntries([...parameters].filter(([key]) => !key.startsWith('api.')));
    runtime.logger.debug({ function: functionName, user }, 'WHM simulator call');
    const fault = runtime.faults.take(functionName);
    if (fault !== undefined && await applyFault(fault, functionName, response)) return;
    await callFunction(functionName, params, user, response);
  }

  return (request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (error instanceof HttpRequestError) {
        sendText(response, error.status, error.message);
      } else if (error instanceof SimulatorClosedError) {
        response.socket?.destroy();
      } else {
        // The query string can carry passwords, so only the path is logged.
        const path = (request.url ?? '/').split('?')[0];
        runtime.logger.error({ err: error, path }, 'WHM simulator failed to handle a request');
        sendText(response, 500, 'The WHM simulator failed to handle the request; see its log.');
      }
    });
  };
}
