// Property-based, over a real socket: any text that does not decode as an
// event frame gets one `exception` frame with BAD_FRAME and reaches no handler;
// the connection stays open and keeps working. The decoder's own properties
// are in test/protocol/bad-input.properties.spec.ts.
import fc from 'fast-check';
import { coreTestModule } from '../fixtures/core-test.module';
import { useApp } from '../support/test-app';

const MAX_DEPTH = 8;
/** Frames a run sends, under the default burst (200) so the rate limit never answers instead. */
const RUNS = 150;

/** Whether `text` is JSON of an object with an `event` key: the one shape these frames must not have, checked without the decoder. */
function hasEventKey(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && 'event' in value;
  } catch {
    return false;
  }
}

describe('bad frames over a real socket', () => {
  const fixture = useApp(() => coreTestModule({ limits: { maxDepth: MAX_DEPTH } }));

  it('answers each with BAD_FRAME and nothing else, and the connection goes on', async () => {
    const client = await fixture.connect('/ws');
    const badText = fc
      .oneof(
        fc.string({ unit: 'binary' }),
        fc.json(),
        fc.jsonValue().map((value) => JSON.stringify({ message: value })),
        fc.nat({ max: 30 }).map((depth) => `{"event":"echo","message":${'['.repeat(depth + MAX_DEPTH)}${']'.repeat(depth + MAX_DEPTH)}}`),
      )
      // By construction none is a frame: leave out the rare random JSON that happens to carry an "event" key.
      .filter((text) => !hasEventKey(text));
    await fc.assert(
      fc.asyncProperty(badText, async (text) => {
        client.sendRaw(text, false);
        const answer = await client.next(() => true, 3000, `the answer to ${JSON.stringify(text).slice(0, 80)}`);
        expect(answer).toMatchObject({ event: 'exception', message: { status: 'error', code: 'BAD_FRAME' } });
      }),
      { numRuns: RUNS },
    );
    expect(await client.request('echo', 'still works')).toMatchObject({ message: 'still works' });
    expect(client.framesOf('echo')).toEqual([]);
  });
});
