import type { IncomingMessage, ServerResponse } from 'node:http';
import { itemFailureSchema, parseControlInput, SimulatorInputError, type SimulatorControl } from './control';
import type { FaultSpec } from './faults';
import type { HealthPatch } from './health';
import { HttpRequestError, mediaType, readBody, sendJson } from './http-io';
import type { TransferRates } from './transfer-session';

export const CONTROL_PREFIX = '/__simulator/';

type RouteHandler = (body: unknown) => unknown;
type Routes = Record<string, Partial<Record<string, RouteHandler>>>;

/**
 * Routes of the HTTP control endpoint; JSON in and out, authenticated like the WHM API:
 * - `GET /__simulator/health`, `PATCH /__simulator/health` (a health patch)
 * - `GET /__simulator/faults`, `POST /__simulator/faults` (a fault), `DELETE /__simulator/faults`
 * - `GET /__simulator/sessions`
 * - `POST /__simulator/item-failures` (`{ user, reason, times? }`)
 * - `GET /__simulator/rates`, `PATCH /__simulator/rates` (`{ bytesPerSecond?, restoreBytesPerSecond? }`)
 */
function controlRoutes(control: SimulatorControl): Routes {
  return {
    health: {
      GET: () => control.health(),
      PATCH: (body) => control.setHealth(body as HealthPatch),
    },
    faults: {
      GET: () => ({ faults: control.faults() }),
      POST: (body) => {
        control.injectFault(body as FaultSpec);
        return { faults: control.faults() };
      },
      DELETE: () => {
        control.clearFaults();
        return { faults: control.faults() };
      },
    },
    sessions: {
      GET: () => control.sessions(),
    },
    'item-failures': {
      POST: (body) => {
        const input = parseControlInput(itemFailureSchema, body, 'item failure');
        control.failItem(input.user, input.reason, input.times);
        return { user: input.user, reason: input.reason, times: input.times ?? 0 };
      },
    },
    rates: {
      GET: () => control.rates(),
      PATCH: (body) => control.setRates(body as Partial<TransferRates>),
    },
  };
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  if (mediaType(request) !== 'application/json') {
    throw new HttpRequestError(415, 'The control endpoint accepts only “application/json” request bodies.');
  }
  const text = await readBody(request);
  if (text.trim() === '') throw new HttpRequestError(400, 'The request body is empty; send a JSON object.');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HttpRequestError(400, `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Handles one authenticated request below {@link CONTROL_PREFIX}. */
export async function handleControlRequest(
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
  control: SimulatorControl,
): Promise<void> {
  const routes = controlRoutes(control);
  const route = routes[pathname.slice(CONTROL_PREFIX.length)];
  if (route === undefined) {
    sendJson(response, 404, { error: `No control route “${pathname}”; routes: ${Object.keys(routes).map((name) => CONTROL_PREFIX + name).join(', ')}.` });
    return;
  }

  const method = request.method ?? 'GET';
  const handler = route[method];
  if (handler === undefined) {
    const allowed = Object.keys(route).join(', ');
    response.setHeader('allow', allowed);
    sendJson(response, 405, { error: `${method} is not allowed on “${pathname}”; use ${allowed}.` });
    return;
  }

  try {
    const body = method === 'POST' || method === 'PATCH' ? await readJsonBody(request) : undefined;
    sendJson(response, 200, handler(body));
  } catch (error) {
    if (error instanceof HttpRequestError) sendJson(response, error.status, { error: error.message });
    else if (error instanceof SimulatorInputError) sendJson(response, 400, { error: error.message });
    else throw error;
  }
}
