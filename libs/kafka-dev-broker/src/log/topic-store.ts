// Topics and their partition logs.

import { PartitionLog } from './partition-log';

export interface Topic {
  readonly name: string;
  readonly partitions: readonly PartitionLog[];
  readonly createdAt: number;
}

const LEGAL_TOPIC = /^[a-zA-Z0-9._-]+$/;
const MAX_TOPIC_LENGTH = 249;

/** Kafka's topic name rules; returns a reason when `name` is not a legal topic name. */
export function invalidTopicReason(name: string): string | null {
  if (name.length === 0) return "Topic name is illegal, it can't be empty";
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."';
  if (name.length > MAX_TOPIC_LENGTH)
    return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_LENGTH} characters`;
  if (!LEGAL_TOPIC.test(name))
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  return null;
}

export class TopicStore {
  private readonly topics = new Map<string, Topic>();

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  partition(name: string, partition: number): PartitionLog | undefined {
    return this.topics.get(name)?.partitions[partition];
  }

  has(name: string): boolean {
    return this.topics.has(name);
  }

  names(): string[] {
    return [...this.topics.keys()].sort();
  }

  all(): Topic[] {
    return [...this.topics.values()];
  }

  create(name: string, partitions: number): Topic {
    const existing = this.topics.get(name);
    if (existing) return existing;
    const topic: Topic = {
      name,
      partitions: Array.from({ length: partitions }, (_, i) => new PartitionLog(name, i)),
      createdAt: Date.now(),
    };
    this.topics.set(name, topic);
    return topic;
  }

  delete(name: string): Topic | undefined {
    const topic = this.topics.get(name);
    if (topic) this.topics.delete(name);
    return topic;
  }
}
