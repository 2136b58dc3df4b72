import { ThrottledErrorLog } from '../../src/errors/throttled-error-log';

describe('ThrottledErrorLog', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function logOf(intervalMs: number): { log: ThrottledErrorLog; lines: string[] } {
    const lines: string[] = [];
    return { log: new ThrottledErrorLog({ error: (message: string) => lines.push(message) }, intervalMs), lines };
  }

  it('logs a kind again, in full, once its interval has passed, after the count of the ones it held back', () => {
    const { log, lines } = logOf(1000);
    for (let i = 0; i < 3; i++) log.error('kind A', 'A failed', new Error('a'));
    jest.advanceTimersByTime(999);
    expect(lines).toEqual(['A failed (errors like it are counted, not logged, for the next 1 s)']);
    jest.advanceTimersByTime(1);
    expect(lines).toEqual([
      'A failed (errors like it are counted, not logged, for the next 1 s)',
      'kind A: 2 more since the one logged, not logged one by one',
    ]);
    log.error('kind A', 'A failed', new Error('a'));
    expect(lines).toHaveLength(3);
    log.close();
    expect(lines).toHaveLength(3);
  });

  it('logs no count for a kind that happened once', () => {
    const { log, lines } = logOf(1000);
    log.error('kind A', 'A failed', new Error('a'));
    jest.advanceTimersByTime(1000);
    log.close();
    expect(lines).toEqual(['A failed (errors like it are counted, not logged, for the next 1 s)']);
  });

  it('counts kinds past the hundredth together, so a flood of new kinds is bounded too', () => {
    const { log, lines } = logOf(1000);
    for (let i = 0; i < 150; i++) log.error(`kind ${i}`, `error ${i}`, new Error(String(i)));
    expect(lines).toHaveLength(101);
    expect(lines[100]).toBe('error 100 (errors like it are counted, not logged, for the next 1 s)');
    log.close();
    expect(lines).toHaveLength(102);
    expect(lines[101]).toBe('other errors: 49 more since the one logged, not logged one by one');
  });
});
