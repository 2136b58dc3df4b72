import type { GatewayRoute } from '../controllers/gateway-explorer';

/** The subprotocols a handshake offers (`Sec-WebSocket-Protocol`, comma-separated, possibly over several headers). */
export function offeredSubprotocols(header: string | string[] | undefined): string[] {
  const values = Array.isArray(header) ? header : header === undefined ? [] : [header];
  return values.flatMap((value) => value.split(',').map((p) => p.trim())).filter((p) => p !== '');
}

/**
 * Why a handshake is refused for its subprotocols, or undefined when it may
 * go on. A client that offers protocols fails the connection itself when the
 * server picks none (RFC 6455, 4.1), so it is told why instead, as a 400.
 */
export function subprotocolRefusal(
  route: Pick<GatewayRoute, 'subprotocols' | 'requireSubprotocol'>,
  offered: readonly string[],
): string | undefined {
  const spoken = route.subprotocols.length > 0 ? route.subprotocols.join(', ') : 'none';
  if (offered.length > 0 && !offered.some((p) => route.subprotocols.includes(p))) {
    return `Unsupported subprotocol: offered ${offered.join(', ')}; this route speaks ${spoken}`;
  }
  if (offered.length === 0 && route.requireSubprotocol) return `A subprotocol is required: one of ${spoken}`;
  return undefined;
}
