import {
  BEARER_AUTH,
  ENDPOINTS,
  type Endpoint,
  type EndpointName,
  refreshReplySchema,
} from "@observer/protocol";
import { ApiError, errorFromResponse, networkError } from "./errors.ts";
import type { CallArgs, CallOptions, ReplyOf } from "./types.ts";

/** Name of the Web Lock that serializes refreshes across the tabs of this origin. */
export const REFRESH_LOCK = "observer-refresh";

/** The part of the Web Locks API the client uses (absent in old browsers and in Node). */
export interface RefreshLocks {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

export interface ApiClientOptions {
  /** Origin prefix for every path; "" (the page's own origin) in the browser. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Cross-tab lock; defaults to `navigator.locks` when the browser has it. */
  locks?: RefreshLocks | null;
}

/**
 * Typed client over the protocol's ENDPOINTS. Invariants:
 * - The access token lives only in memory (this object); the refresh token is the HttpOnly
 *   cookie, sent by the browser with `credentials: "same-origin"`.
 * - At most one refresh is in flight per tab, and refreshes across tabs take turns through a
 *   Web Lock, because the server treats a refresh token presented twice as theft.
 * - A 401 from a Bearer call triggers one refresh and one retry; if that fails too, the
 *   token is dropped and `onExpired` listeners are told (the app then asks for a login).
 */
export class ApiClient {
  #token: string | null = null;
  #refreshing: Promise<string | null> | null = null;
  readonly #expiredListeners = new Set<() => void>();
  readonly #baseUrl: string;
  readonly #fetch: typeof fetch;
  readonly #locks: RefreshLocks | null;

  constructor(options: ApiClientOptions = {}) {
    this.#baseUrl = options.baseUrl ?? "";
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#locks =
      options.locks !== undefined
        ? options.locks
        : typeof navigator !== "undefined" && navigator.locks
          ? navigator.locks
          : null;
  }

  get accessToken(): string | null {
    return this.#token;
  }

  /** Keeps the token of a fresh login (or forgets it with null). */
  setAccessToken(token: string | null): void {
    this.#token = token;
  }

  /**
   * A token good for at least `minValidSeconds` more, for WebSockets that send it themselves
   * (the collaboration provider re-sends it on every reconnect, the session channel on
   * every connect). Refreshes when the current one is missing, expired or about to be, or
   * with `force` (the server refused it); null (and `onExpired` told) when the login cannot
   * be refreshed.
   */
  async freshAccessToken(minValidSeconds = 60, force = false): Promise<string | null> {
    const current = this.#token;
    const expiresAt = current ? tokenExpiresAt(current) : null;
    const valid = current && expiresAt !== null && expiresAt - Date.now() > minValidSeconds * 1000;
    if (valid && !force) return current;
    const fresh = await this.refresh();
    if (!fresh) this.#expire();
    return fresh;
  }

  /** Calls `listener` whenever the login is lost and cannot be refreshed. Returns an unsubscribe. */
  onExpired(listener: () => void): () => void {
    this.#expiredListeners.add(listener);
    return () => this.#expiredListeners.delete(listener);
  }

  /** Calls one endpoint; resolves to its parsed reply, rejects with an ApiError. */
  async call<N extends EndpointName>(name: N, ...args: CallArgs<N>): Promise<ReplyOf<N>> {
    const endpoint: Endpoint = ENDPOINTS[name];
    const options = (args[0] ?? {}) as CallOptions<N>;
    const usedToken = this.#token;
    let response = await this.#send(endpoint, options, usedToken);
    if (response.status === 401 && (endpoint.auth === "bearer" || endpoint.auth === "admin")) {
      // Another call may already have refreshed while this one was in flight.
      const fresh = this.#token && this.#token !== usedToken ? this.#token : await this.refresh();
      if (!fresh) {
        this.#expire();
        throw await errorFromResponse(response);
      }
      response = await this.#send(endpoint, options, fresh);
      if (response.status === 401) this.#expire();
    }
    if (!response.ok) throw await errorFromResponse(response);
    return (await this.#parseReply(endpoint, response)) as ReplyOf<N>;
  }

  /**
   * Trades the refresh cookie for a new access token. Resolves to the token, or null when
   * there is no valid login (401). Concurrent callers share one request.
   */
  refresh(): Promise<string | null> {
    if (!this.#refreshing) {
      this.#refreshing = this.#refreshTurn().finally(() => {
        this.#refreshing = null;
      });
    }
    return this.#refreshing;
  }

  async #refreshTurn(): Promise<string | null> {
    const post = () => this.#postRefresh();
    const token = this.#locks ? await this.#locks.request(REFRESH_LOCK, post) : await post();
    this.#token = token;
    return token;
  }

  async #postRefresh(): Promise<string | null> {
    const response = await this.#send(ENDPOINTS.refresh, {}, null);
    if (response.status === 401) return null;
    if (!response.ok) throw await errorFromResponse(response);
    const parsed = refreshReplySchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success)
      throw new ApiError(response.status, "invalid_reply", "The server sent an unexpected reply.");
    return parsed.data.accessToken;
  }

  #expire(): void {
    this.#token = null;
    for (const listener of this.#expiredListeners) listener();
  }

  async #send(
    endpoint: Endpoint,
    options: {
      params?: Record<string, string>;
      query?: unknown;
      body?: unknown;
      signal?: AbortSignal;
    },
    token: string | null,
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (token && BEARER_AUTH.includes(endpoint.auth)) {
      headers.authorization = `Bearer ${token}`;
    }
    const init: RequestInit = { method: endpoint.method, headers, credentials: "same-origin" };
    if (options.body !== undefined) {
      headers["content-type"] = "application/json";
      init.body = JSON.stringify(options.body);
    }
    if (options.signal) init.signal = options.signal;
    try {
      const url = fillPath(endpoint.path, options.params) + queryString(options.query);
      return await this.#fetch(this.#baseUrl + url, init);
    } catch (error) {
      if (error instanceof DOMException && error.name === "AbortError") throw error;
      throw networkError(error);
    }
  }

  async #parseReply(endpoint: Endpoint, response: Response): Promise<unknown> {
    if (!endpoint.reply || response.status === 204) return undefined;
    const json: unknown = await response.json().catch(() => undefined);
    const parsed = endpoint.reply.safeParse(json);
    if (!parsed.success) {
      throw new ApiError(response.status, "invalid_reply", "The server sent an unexpected reply.");
    }
    return parsed.data;
  }
}

/** When a JWT expires (ms since the epoch), read from its `exp` claim; null if unreadable. */
export function tokenExpiresAt(token: string): number | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, "+").replace(/_/g, "/");
    const claims: unknown = JSON.parse(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, "=")));
    const exp = (claims as { exp?: unknown } | null)?.exp;
    return typeof exp === "number" ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/** Substitutes `:name` segments of a path with URL-encoded values. */
export function fillPath(path: string, params: Record<string, string> | undefined): string {
  return path.replace(/:([A-Za-z]\w*)/g, (_match, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`Missing path parameter "${name}" for ${path}`);
    return encodeURIComponent(value);
  });
}

/** The app's one client. */
/** "?a=1&b=x" of the defined values, or "" when there are none. */
export function queryString(query: unknown): string {
  const defined = Object.entries((query ?? {}) as Record<string, unknown>).filter(
    (entry): entry is [string, string | number | boolean] => entry[1] !== undefined,
  );
  return defined.length ? `?${new URLSearchParams(defined.map(([k, v]) => [k, String(v)]))}` : "";
}

export const api = new ApiClient();
