import { BootErrorCode, SwitchboardBootError } from '../protocol/switchboard-error';

/** A compiled gateway path: matches request paths and extracts their parameters. */
export interface RouteMatcher {
  readonly pattern: string;
  /** Number of parameters; routes with fewer win when several match. */
  readonly paramCount: number;
  /** The parameters of a matching path, or undefined when it does not match. */
  match(path: string): Record<string, string> | undefined;
}

const PARAM = /^:([A-Za-z_][A-Za-z0-9_]*)$/;

/** Strips a trailing slash so `/ws` and `/ws/` are one route. */
export function normalizePath(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** Compiles `/ws/chat/:roomId`; throws at boot on a malformed pattern. */
export function compileRoute(pattern: string): RouteMatcher {
  if (!pattern.startsWith('/')) {
    throw new SwitchboardBootError(BootErrorCode.INVALID_ROUTE, `gateway path "${pattern}" must start with "/", e.g. "/${pattern}"`);
  }
  const normalized = normalizePath(pattern);
  const segments = normalized.split('/').slice(1);
  const names: (string | undefined)[] = segments.map((segment) => {
    if (!segment.startsWith(':')) return undefined;
    const name = PARAM.exec(segment)?.[1];
    if (!name) {
      throw new SwitchboardBootError(
        BootErrorCode.INVALID_ROUTE,
        `parameter "${segment}" in "${pattern}" must be ":" followed by a name such as ":roomId"`,
      );
    }
    return name;
  });
  const paramCount = names.filter(Boolean).length;
  return {
    pattern: normalized,
    paramCount,
    match(path) {
      const parts = normalizePath(path).split('/').slice(1);
      if (parts.length !== segments.length) return undefined;
      const params: Record<string, string> = Object.create(null);
      for (let i = 0; i < segments.length; i++) {
        const name = names[i];
        if (name === undefined) {
          if (parts[i] !== segments[i]) return undefined;
          continue;
        }
        if (parts[i] === '') return undefined;
        try {
          params[name] = decodeURIComponent(parts[i]);
        } catch {
          return undefined;
        }
      }
      return params;
    },
  };
}
