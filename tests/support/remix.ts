// Calls route loaders and actions with real Request objects, the way Remix does, and normalises
// what they return or throw (Response, data(), plain objects, thrown redirects) into one shape.
import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";

export const BASE = "http://localhost:3000";

export interface RouteResult<T = unknown> {
  status: number;
  headers: Headers;
  data: T;
  /** Location header of a redirect, if any. */
  location: string | null;
  /** Set-Cookie header, if any. */
  setCookie: string | null;
}

type Loader = (args: LoaderFunctionArgs) => unknown;
type Action = (args: ActionFunctionArgs) => unknown;

export const testContext: AppLoadContext = {
  requestId: "test-request",
  cspNonce: "test-nonce",
  ip: "127.0.0.1",
};

async function normalise<T>(value: unknown): Promise<RouteResult<T>> {
  if (value instanceof Response) {
    const type = value.headers.get("Content-Type") ?? "";
    const body = type.includes("json") ? await value.json() : await value.text();
    return {
      status: value.status,
      headers: value.headers,
      data: body as T,
      location: value.headers.get("Location"),
      setCookie: value.headers.get("Set-Cookie"),
    };
  }
  if (
    value &&
    typeof value === "object" &&
    (value as { type?: string }).type === "DataWithResponseInit"
  ) {
    const d = value as { data: T; init: ResponseInit | null };
    const headers = new Headers(d.init?.headers);
    return {
      status: d.init?.status ?? 200,
      headers,
      data: d.data,
      location: headers.get("Location"),
      setCookie: headers.get("Set-Cookie"),
    };
  }
  return { status: 200, headers: new Headers(), data: value as T, location: null, setCookie: null };
}

async function run<T>(fn: () => unknown): Promise<RouteResult<T>> {
  try {
    return await normalise<T>(await fn());
  } catch (thrown) {
    if (thrown instanceof Response || (thrown && typeof thrown === "object" && "type" in thrown)) {
      return normalise<T>(thrown);
    }
    throw thrown;
  }
}

export interface CallOptions {
  cookie?: string | null;
  params?: Record<string, string>;
  headers?: Record<string, string>;
  /** Load context fields to override (e.g. `ip`: another client address). */
  context?: Partial<AppLoadContext>;
}

export function callLoader<T = any>(loader: Loader, path: string, options: CallOptions = {}) {
  const headers = new Headers(options.headers);
  if (options.cookie) headers.set("Cookie", options.cookie);
  const request = new Request(new URL(path, BASE), { headers });
  const context = { ...testContext, ...options.context };
  return run<T>(() => loader({ request, params: options.params ?? {}, context }));
}

export function callAction<T = any>(
  action: Action,
  path: string,
  fields: Record<string, string | string[]> | FormData,
  options: CallOptions = {},
) {
  const headers = new Headers(options.headers);
  if (options.cookie) headers.set("Cookie", options.cookie);
  let body: FormData | URLSearchParams;
  if (fields instanceof FormData) body = fields;
  else {
    body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields))
      for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  }
  const request = new Request(new URL(path, BASE), { method: "POST", headers, body });
  const context = { ...testContext, ...options.context };
  return run<T>(() => action({ request, params: options.params ?? {}, context }));
}

/** Turns a Set-Cookie header into the Cookie header a browser would send back. */
export function cookieFrom(setCookie: string | null): string {
  if (!setCookie) throw new Error("expected a Set-Cookie header");
  return setCookie.split(";")[0]!;
}
