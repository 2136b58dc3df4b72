// ConnectionAdmission on its own (the caps end to end: connection-caps.spec.ts
// and the backplane contract): how the count across nodes combines with the
// node's own, and what happens when the registry cannot answer.
import { ConnectionAdmission, type AdmissionRefusal, type AdmissionRelease } from '../../src/gateways/connection-admission';

const limits = { maxConnections: 100, maxConnectionsPerIp: 2, connectionRatePerIp: 1000 };
const refused = (place: AdmissionRelease | AdmissionRefusal): AdmissionRefusal | undefined =>
  typeof place === 'function' ? undefined : place;

describe('ConnectionAdmission', () => {
  it('refuses an address the other nodes already hold maxConnectionsPerIp for, and gives the local place back', async () => {
    let elsewhere = 2;
    const admission = new ConnectionAdmission(limits, async () => elsewhere);
    expect(refused(await admission.admit('10.0.0.1'))).toEqual({
      status: 503,
      message: 'Too many connections from this address',
      retryAfter: 5,
    });
    expect(admission.size).toBe(0);
    // Once the others hold fewer, the node admits up to its own count: the local place was given back.
    elsewhere = 0;
    expect(typeof (await admission.admit('10.0.0.1'))).toBe('function');
    expect(typeof (await admission.admit('10.0.0.1'))).toBe('function');
    expect(refused(await admission.admit('10.0.0.1'))?.status).toBe(503);
  });

  it('counts per node alone when the registry cannot answer, rather than refuse everyone', async () => {
    const admission = new ConnectionAdmission(limits, () => Promise.reject(new Error('no answer within 1000 ms')));
    const first = await admission.admit('10.0.0.1');
    expect(typeof first).toBe('function');
    expect(typeof (await admission.admit('10.0.0.1'))).toBe('function');
    expect(refused(await admission.admit('10.0.0.1'))?.status).toBe(503);
    // A place given back is free again.
    (first as AdmissionRelease)();
    await new Promise((resolve) => setImmediate(resolve));
    expect(typeof (await admission.admit('10.0.0.1'))).toBe('function');
  });

  it('counts per node alone for a backplane that does not count addresses', async () => {
    const admission = new ConnectionAdmission(limits, async () => undefined);
    expect(typeof (await admission.admit('10.0.0.1'))).toBe('function');
    expect(typeof (await admission.admit('10.0.0.1'))).toBe('function');
    expect(refused(await admission.admit('10.0.0.1'))?.status).toBe(503);
  });
});
