import { randomBytes } from 'node:crypto';

/** A Redis key and channel prefix no other test uses: `sbtest:<name>:<random>:`. */
export function testPrefix(name: string): string {
  return `sbtest:${name}:${randomBytes(4).toString('hex')}:`;
}
