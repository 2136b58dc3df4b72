import { MemoryBackplane, RedisBackplane, backplaneFromEnv } from '../../src';

describe('backplaneFromEnv', () => {
  const redis = { REDIS_URL: 'redis://127.0.0.1:1' };

  it('signs with BACKPLANE_SECRET, a comma-separated list of secrets (the first signs)', () => {
    const backplane = backplaneFromEnv({ ...redis, BACKPLANE_SECRET: 'new-secret-0123456789, old-secret-0123456789' });
    expect(backplane).toBeInstanceOf(RedisBackplane);
    expect(backplane.status()).toMatchObject({ signed: true, forged: 0 });
  });

  it('leaves messages unsigned without BACKPLANE_SECRET, and says so in the status', () => {
    expect(backplaneFromEnv(redis).status()).toMatchObject({ signed: false });
    expect(backplaneFromEnv({ ...redis, BACKPLANE_SECRET: ' , ' }).status()).toMatchObject({ signed: false });
  });

  it('reads the secret from the environment unless the options give one', () => {
    expect(() => backplaneFromEnv({ ...redis, BACKPLANE_SECRET: 'short' })).toThrow(/SB_BACKPLANE_MISCONFIGURED: backplane secret must be/);
    const backplane = backplaneFromEnv({ ...redis, BACKPLANE_SECRET: 'short' }, { redis: { secret: 'a secret of 16 bytes or more' } });
    expect(backplane.status()).toMatchObject({ signed: true });
  });

  it('picks the memory backplane in a single process without REDIS_URL', () => {
    expect(backplaneFromEnv({ BACKPLANE_SECRET: 'a secret of 16 bytes or more' })).toBeInstanceOf(MemoryBackplane);
  });
});
