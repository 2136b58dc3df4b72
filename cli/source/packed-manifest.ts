import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { CliError } from '../cli-error';
import { CliErrorCode } from '../cli-error-codes';
import { isRecord } from '../workspace';

const BLOCK = 512;

/**
 * The name and version from the package.json inside an npm tarball
 * (`package/package.json`), read without unpacking it, so a wrong file given
 * to `--switchboard` is refused before anything is written.
 */
export function readPackedManifest(tgz: string): { name?: string; version?: string } {
  let tar: Buffer;
  try {
    tar = gunzipSync(readFileSync(tgz));
  } catch (error) {
    throw new CliError(
      CliErrorCode.BAD_TARBALL,
      `${tgz} is not an npm package tarball (.tgz made by npm pack): ${(error as Error).message}`,
    );
  }
  // A tar file is a run of 512-byte headers, each followed by its entry's data padded to whole blocks.
  for (let at = 0; at + BLOCK <= tar.length;) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const name = field(header, 0, 100);
    const prefix = field(header, 345, 155);
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const data = at + BLOCK;
    if ((prefix ? `${prefix}/${name}` : name) === 'package/package.json') {
      const manifest: unknown = JSON.parse(tar.subarray(data, data + size).toString('utf8'));
      const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
      return isRecord(manifest) ? { name: text(manifest.name), version: text(manifest.version) } : {};
    }
    at = data + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new CliError(
    CliErrorCode.BAD_TARBALL,
    `${tgz} has no package/package.json: it is not an npm package tarball (.tgz made by npm pack).`,
  );
}

/** A NUL-terminated text field of a tar header. */
function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}
