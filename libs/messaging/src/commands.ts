import type { BaseConfig } from '@jsjb/platform';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import type { MessagingConfig } from './config';
import { createKafka } from './kafka/kafka';
import { replayDeadLetters, rewindGroup } from './replay/replay';

type Config = BaseConfig & MessagingConfig;
type Command = (config: Config, args: readonly string[]) => Promise<number>;

const out = (line: string): void => void process.stdout.write(`${line}\n`);

/**
 * Operator subcommands of every service binary:
 *   node main.js replay-dlq --topic <topic> [--group <consumer group>] [--from-beginning]
 *   node main.js reread --topic <topic> (--earliest | --offset <n> | --time <ISO time>) [--forget-processed]
 *   node main.js consumes   (one JSON line: the consumer group and the event types it applies, for
 *                            `npm run reconcile` to match producers' outboxes against its inbox)
 * `reread` needs the service's consumers stopped; `--forget-processed` also clears the group's
 * inbox so re-read events are applied again (for rebuilding a read model from scratch).
 */
export function messagingCommands(service: string, consumes: readonly string[]): Record<string, Command> {
  const kafkaFor = (config: Config) =>
    createKafka({ brokers: config.KAFKA_BROKERS, clientId: `jsjb-${service}-cli` });
  const groupOf = (config: Config): string => config.KAFKA_CONSUMER_GROUP ?? `jsjb-${service}`;

  return {
    consumes: (config) => {
      out(JSON.stringify({ service, group: groupOf(config), consumes: [...consumes].sort() }));
      return Promise.resolve(0);
    },
    'replay-dlq': async (config, args) => {
      const { values } = parseArgs({
        args: [...args],
        options: {
          topic: { type: 'string' },
          group: { type: 'string' },
          'from-beginning': { type: 'boolean' },
        },
      });
      if (!values.topic) throw new Error('replay-dlq needs --topic <topic>');
      const result = await replayDeadLetters({
        kafka: kafkaFor(config),
        topic: values.topic,
        ...(values.group ? { onlyGroup: values.group } : {}),
        fromBeginning: values['from-beginning'] ?? false,
      });
      out(`replayed ${result.replayed} dead letters of ${values.topic} (${result.skipped} skipped)`);
      return 0;
    },
    reread: async (config, args) => {
      const { values } = parseArgs({
        args: [...args],
        options: {
          topic: { type: 'string' },
          earliest: { type: 'boolean' },
          offset: { type: 'string' },
          time: { type: 'string' },
          'forget-processed': { type: 'boolean' },
        },
      });
      if (!values.topic) throw new Error('reread needs --topic <topic>');
      type Target = { earliest: true } | { offset: string } | { time: Date };
      const to: Target | undefined = values.earliest
        ? ({ earliest: true } as const)
        : values.offset !== undefined
          ? { offset: values.offset }
          : values.time !== undefined
            ? { time: new Date(values.time) }
            : undefined;
      if (!to || ('time' in to && Number.isNaN(to.time.getTime()))) {
        throw new Error('reread needs one of --earliest, --offset <n>, --time <ISO time>');
      }
      const groupId = groupOf(config);
      const partitions = await rewindGroup({ kafka: kafkaFor(config), groupId, topic: values.topic, to });
      out(
        `group ${groupId} on ${values.topic}: ${partitions.map((p) => `[${p.partition}]→${p.offset}`).join(' ')}`,
      );
      if (values['forget-processed']) {
        const client = new Client({ connectionString: config.DATABASE_URL });
        await client.connect();
        try {
          const since = 'time' in to ? to.time : new Date(0);
          const { rowCount } = await client.query(
            'DELETE FROM processed_event WHERE consumer_group = $1 AND processed_at >= $2',
            [groupId, since],
          );
          out(`forgot ${rowCount ?? 0} processed events of ${groupId}`);
        } finally {
          await client.end();
        }
      }
      return 0;
    },
  };
}
