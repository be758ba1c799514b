import { dlqTopic } from '@jsjb/contracts';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { describeError } from './event-errors';

/** Headers a dead-lettered record carries besides its original ones. */
export const DLQ_HEADERS = {
  errorName: 'dlq_error_name',
  errorMessage: 'dlq_error_message',
  errorCode: 'dlq_error_code',
  originalTopic: 'dlq_original_topic',
  originalPartition: 'dlq_original_partition',
  originalOffset: 'dlq_original_offset',
  consumerGroup: 'dlq_consumer_group',
  failedAt: 'dlq_failed_at',
} as const;

const DLQ_HEADER_NAMES: ReadonlySet<string> = new Set(Object.values(DLQ_HEADERS));

export interface DeadLetterSource {
  topic: string;
  partition: number;
  message: KafkaMessage;
  groupId: string;
}

/** The record to write to `<topic>.dlq`: the original key, value and headers, plus why it failed. */
export function deadLetterRecord(
  source: DeadLetterSource,
  error: unknown,
  now = new Date(),
): { topic: string; message: Message } {
  const { name, message, code } = describeError(error);
  const headers: IHeaders = {
    ...source.message.headers,
    [DLQ_HEADERS.errorName]: name,
    [DLQ_HEADERS.errorMessage]: message.slice(0, 2000),
    [DLQ_HEADERS.originalTopic]: source.topic,
    [DLQ_HEADERS.originalPartition]: String(source.partition),
    [DLQ_HEADERS.originalOffset]: source.message.offset,
    [DLQ_HEADERS.consumerGroup]: source.groupId,
    [DLQ_HEADERS.failedAt]: now.toISOString(),
  };
  if (code) headers[DLQ_HEADERS.errorCode] = code;
  return {
    topic: dlqTopic(source.topic),
    message: {
      key: source.message.key,
      value: source.message.value,
      headers,
      timestamp: source.message.timestamp,
    },
  };
}

/** A dead-lettered record as it was before it failed: for replay into its original topic. */
export function originalRecord(message: KafkaMessage): { topic: string; message: Message } | undefined {
  const headers = message.headers ?? {};
  const topic = headers[DLQ_HEADERS.originalTopic]?.toString();
  if (!topic) return undefined;
  const original: IHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!DLQ_HEADER_NAMES.has(name) && value !== undefined) original[name] = value;
  }
  return { topic, message: { key: message.key, value: message.value, headers: original } };
}
