import type { KafkaMessage } from 'kafkajs';
import { deadLetterRecord, DLQ_HEADERS, originalRecord } from './dead-letter';

describe('dead letters', () => {
  const message: KafkaMessage = {
    key: Buffer.from('T-1'),
    value: Buffer.from('{"n":1}'),
    headers: { ce_id: Buffer.from('e-1'), ce_type: Buffer.from('ticket.received.v1') },
    offset: '41',
    timestamp: '1763712000000',
    attributes: 0,
  };

  it('keeps the record and says why, where and when it failed', () => {
    const record = deadLetterRecord(
      { topic: 'jsjb.ticket.v1', partition: 2, message, groupId: 'jsjb-routing' },
      Object.assign(new Error('no such unit'), { code: 'UNIT.NOT_FOUND' }),
      new Date('2026-11-21T08:00:00Z'),
    );
    expect(record.topic).toBe('jsjb.ticket.v1.dlq');
    expect(record.message.key).toEqual(message.key);
    expect(record.message.value).toEqual(message.value);
    expect(record.message.headers).toMatchObject({
      ce_id: Buffer.from('e-1'),
      [DLQ_HEADERS.errorName]: 'Error',
      [DLQ_HEADERS.errorMessage]: 'no such unit',
      [DLQ_HEADERS.errorCode]: 'UNIT.NOT_FOUND',
      [DLQ_HEADERS.originalTopic]: 'jsjb.ticket.v1',
      [DLQ_HEADERS.originalPartition]: '2',
      [DLQ_HEADERS.originalOffset]: '41',
      [DLQ_HEADERS.consumerGroup]: 'jsjb-routing',
      [DLQ_HEADERS.failedAt]: '2026-11-21T08:00:00.000Z',
    });
  });

  it('restores the original record for replay', () => {
    const dead = deadLetterRecord(
      { topic: 'jsjb.ticket.v1', partition: 0, message, groupId: 'g' },
      new Error('x'),
    );
    const asRead: KafkaMessage = { ...message, headers: dead.message.headers ?? {} };
    expect(originalRecord(asRead)).toEqual({
      topic: 'jsjb.ticket.v1',
      message: { key: message.key, value: message.value, headers: message.headers },
    });
  });
});
