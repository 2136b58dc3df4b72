/**
 * What `switchToHttp().getResponse()` gives a guard or interceptor that runs
 * where no HTTP response exists: on a WebSocket message, and on the upgrade
 * request before it is answered. Setting a header (as `ThrottlerGuard` does
 * with its `X-RateLimit-*` and `Retry-After` headers) does nothing, so such
 * guards work unchanged; anything else an HTTP response has is absent.
 */
export interface HeaderlessResponse {
  /** Express's name: does nothing, returns the response. */
  header(name: string, value: unknown): HeaderlessResponse;
  /** Node's name: does nothing, returns the response. */
  setHeader(name: string, value: unknown): HeaderlessResponse;
}

/** The one, stateless, headerless response. */
export const HEADERLESS_RESPONSE: HeaderlessResponse = Object.freeze({
  header: () => HEADERLESS_RESPONSE,
  setHeader: () => HEADERLESS_RESPONSE,
});

/** What `switchToHttp().getNext()` gives there: there is no next middleware. */
export const NO_NEXT = (): void => undefined;
