// SPEC §5: a metadata patch with `__proto__`, `constructor` or `prototype`
// keys is refused with a clear error, and nothing is stored.
import { RealtimeService, RuntimeErrorCode, SwitchboardError } from '../../src';
import { mergeMetadata } from '../../src/backplanes/connection-info';
import { coreTestModule } from '../fixtures/core-test.module';
import { useApp } from '../support/test-app';

describe('metadata patches with prototype keys', () => {
  const fixture = useApp(() => coreTestModule());
  const realtime = (): RealtimeService => fixture.server.app.get(RealtimeService);

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a patch with a "%s" key and stores nothing of it', async (key) => {
    const client = await fixture.connect();
    await realtime().updateConnectionMetadata(client.id, { name: 'Ann' });
    // As an HTTP body or a client frame arrives: JSON.parse makes "__proto__" an ordinary own key.
    const patch = JSON.parse(`{"${key}": {"admin": true}, "mood": "busy"}`) as Record<string, unknown>;
    const refusal = realtime().updateConnectionMetadata(client.id, patch);
    await expect(refusal).rejects.toThrow(
      new SwitchboardError(
        RuntimeErrorCode.INVALID_METADATA,
        `metadata keys "${key}" are not allowed (__proto__, constructor and prototype are refused); nothing was stored`,
      ),
    );
    await expect(refusal).rejects.toMatchObject({ code: 'SB_INVALID_METADATA' });
    const info = await realtime().getConnectionInfo(client.id);
    expect(info?.metadata).toEqual({ name: 'Ann' });
    expect(Object.getPrototypeOf(info?.metadata)).toBe(Object.prototype);
  });

  it.each([
    ['an array', ['mood']],
    ['null', null],
    ['a string', 'mood'],
    ['a number', 7],
  ])('refuses a patch that is %s, storing nothing', async (_what, notAPatch) => {
    const client = await fixture.connect();
    await realtime().updateConnectionMetadata(client.id, { kept: true });
    const refusal = realtime().updateConnectionMetadata(client.id, notAPatch as unknown as Record<string, unknown>);
    await expect(refusal).rejects.toThrow(SwitchboardError);
    await expect(refusal).rejects.toMatchObject({
      code: 'SB_INVALID_METADATA',
      message: expect.stringContaining('a metadata patch must be a plain object of keys to set (null or undefined removes a key)'),
    });
    expect((await realtime().getConnectionInfo(client.id))?.metadata).toEqual({ kept: true });
  });

  it('never sets a prototype when a patch from another node still holds such a key', () => {
    const merged = mergeMetadata({ name: 'Ann' }, JSON.parse('{"__proto__": {"admin": true}, "constructor": 1, "mood": "busy"}'));
    expect(merged).toEqual({ name: 'Ann', mood: 'busy' });
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect((merged as { admin?: unknown }).admin).toBeUndefined();
  });
});
