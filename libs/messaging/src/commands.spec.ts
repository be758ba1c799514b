import type { BaseConfig } from '@jsjb/platform';
import type { MessagingConfig } from './config';
import { messagingCommands } from './commands';

describe('messagingCommands', () => {
  it('consumes: prints the consumer group and the event types it applies, as one JSON line', async () => {
    const printed: string[] = [];
    const write = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk: string | Uint8Array) => (printed.push(String(chunk)), true));
    const config = { KAFKA_BROKERS: ['127.0.0.1:9'] } as unknown as BaseConfig & MessagingConfig;
    try {
      const commands = messagingCommands('routing', ['ticket.reopened.v1', 'ticket.received.v1']);
      expect(await commands['consumes']?.(config, [])).toBe(0);
      expect(await commands['consumes']?.({ ...config, KAFKA_CONSUMER_GROUP: 'routing-blue' }, [])).toBe(0);
    } finally {
      write.mockRestore();
    }
    expect(printed.map((line) => JSON.parse(line) as unknown)).toEqual([
      { service: 'routing', group: 'jsjb-routing', consumes: ['ticket.received.v1', 'ticket.reopened.v1'] },
      { service: 'routing', group: 'routing-blue', consumes: ['ticket.received.v1', 'ticket.reopened.v1'] },
    ]);
  });
});
