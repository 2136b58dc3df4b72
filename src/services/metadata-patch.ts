import { isSafeMetadataKey } from '../backplanes/connection-info';

/**
 * Why `patch` cannot be merged into a connection's metadata, or undefined
 * when it can. Keys that would change the metadata object's prototype (or
 * shadow what every object inherits) are refused here with a clear error; a
 * patch parsed from JSON carries `__proto__` as an ordinary key, so HTTP
 * bodies and client frames can hold it. The registries drop them too.
 */
export function metadataPatchProblem(patch: unknown): string | undefined {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
    return 'a metadata patch must be a plain object of keys to set (null or undefined removes a key)';
  }
  const forbidden = Object.keys(patch).filter((key) => !isSafeMetadataKey(key));
  if (forbidden.length > 0) {
    return `metadata keys ${forbidden.map((k) => `"${k}"`).join(', ')} are not allowed (__proto__, constructor and prototype are refused); nothing was stored`;
  }
  return undefined;
}
