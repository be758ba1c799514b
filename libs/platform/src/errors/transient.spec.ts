import { isTransientError, TransientError } from './transient';

describe('isTransientError', () => {
  it.each([
    ['TransientError', new TransientError('later')],
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['serialization failure', Object.assign(new Error('could not serialize'), { code: '40001' })],
    ['deadlock', Object.assign(new Error('deadlock detected'), { code: '40P01' })],
    ['connection exception class 08', Object.assign(new Error('x'), { code: '08006' })],
    [
      'Prisma pool timeout',
      Object.assign(new Error('Timed out fetching a new connection'), { code: 'P2024' }),
    ],
    [
      'a pg client left broken by a dropped connection',
      new Error('Client has encountered a connection error and is not queryable'),
    ],
    ['kafkajs connection error', Object.assign(new Error('x'), { name: 'KafkaJSConnectionError' })],
    [
      'Prisma 7 driver-adapter error: database not reachable',
      Object.assign(new Error('Database error'), {
        name: 'PrismaClientKnownRequestError',
        code: 'P2039',
        meta: { driverAdapterError: { name: 'DriverAdapterError', cause: { kind: 'DatabaseNotReachable' } } },
      }),
    ],
    [
      'wrapped cause',
      new Error('handler failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }),
    ],
  ])('retries %s', (_name, error) => {
    expect(isTransientError(error)).toBe(true);
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a constraint violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['a thrown string', 'boom'],
    [
      'Prisma 7 raw query rejected by a constraint',
      Object.assign(new Error('Raw query failed'), {
        code: 'P2010',
        meta: { driverAdapterError: { cause: { kind: 'postgres', originalCode: '23505' } } },
      }),
    ],
  ])('does not retry %s', (_name, error) => {
    expect(isTransientError(error)).toBe(false);
  });
});
