import type { IncomingMessage } from 'node:http';
import type { Logger } from '../../log';

/** Request data a handler receives. */
export interface RequestContext {
  request: IncomingMessage;
  /** Path and query of the request, resolved against the service's own origin. */
  url: URL;
  /** Values of the route's `:name` segments, URI-decoded. */
  params: Record<string, string>;
  requestId: string;
  /** The service logger with this request's id bound. */
  logger: Logger;
}

/** Response a handler returns. The pipeline adds `requestId` to the body and sends it as JSON. */
export interface Reply {
  status: number;
  body?: Record<string, unknown>;
  /** Body sent as is instead of `body`, for formats other than JSON; set its `content-type` in `headers`. */
  text?: string;
  headers?: Record<string, string>;
  /**
   * Whether the pipeline adds `requestId` to the body; false for documents whose format allows no
   * extra field, such as the OpenAPI document. The `X-Request-Id` header is sent either way. @default true
   */
  requestIdInBody?: boolean;
}

export type Handler = (context: RequestContext) => Promise<Reply>;

export interface RouteOptions {
  /** Whether the request must carry the service's bearer token. @default true */
  auth?: boolean;
}

export interface Route {
  method: string;
  pattern: string;
  handler: Handler;
  auth: boolean;
}

/** Result of looking up a request: its route, or why none fits. */
export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

interface CompiledRoute extends Route {
  segments: string[];
}

/**
 * Maps a method and a path to a handler. Patterns are literal paths whose segments may be
 * parameters (`/migrations/:id`); a HEAD request uses the GET route, as RFC 9110 allows.
 */
export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(method: string, pattern: string, handler: Handler, options: RouteOptions = {}): this {
    this.routes.push({ method: method.toUpperCase(), pattern, handler, auth: options.auth ?? true, segments: splitPath(pattern) });
    return this;
  }

  match(method: string, pathname: string): RouteMatch {
    const wanted = method === 'HEAD' ? 'GET' : method;
    const segments = splitPath(pathname);
    const allowed = new Set<string>();

    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (params === undefined) continue;
      if (route.method === wanted) return { kind: 'found', route, params };
      allowed.add(route.method);
      if (route.method === 'GET') allowed.add('HEAD');
    }
    return allowed.size > 0 ? { kind: 'method-not-allowed', allowed: [...allowed].sort() } : { kind: 'not-found' };
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

/** Returns the parameters when the path fits the pattern, else undefined. */
function matchSegments(pattern: string[], path: string[]): Record<string, string> | undefined {
  if (pattern.length !== path.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const actual = path[index]!;
    if (part.startsWith(':')) {
      try {
        params[part.slice(1)] = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
    } else if (part !== actual) {
      return undefined;
    }
  }
  return params;
}
