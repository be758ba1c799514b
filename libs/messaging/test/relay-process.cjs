// A relay in its own process, so tests can kill -9 it mid-batch. Uses the built library.
// env: DATABASE_URL, KAFKA_BROKERS, RELAY_ID, BATCH_SIZE, LEASE_MS, KILL_AFTER_BATCHES (0 = never)
'use strict';
const { OutboxRelay, createKafka } = require('@jsjb/messaging');

const killAfter = Number(process.env.KILL_AFTER_BATCHES || 0);
let batches = 0;
const relay = new OutboxRelay({
  databaseUrl: process.env.DATABASE_URL,
  kafka: createKafka({ brokers: process.env.KAFKA_BROKERS.split(','), clientId: 'relay-process' }),
  relayId: process.env.RELAY_ID,
  batchSize: Number(process.env.BATCH_SIZE || 100),
  leaseMs: Number(process.env.LEASE_MS || 30000),
  idlePollMs: 20,
  onPublished: () => {
    batches += 1;
    // Published to Kafka, not yet marked sent: the worst moment to die.
    if (killAfter > 0 && batches >= killAfter) process.kill(process.pid, 'SIGKILL');
  },
});
relay.start().then(
  () => process.stdout.write('relay started\n'),
  (error) => {
    process.stderr.write(`relay failed to start: ${error.stack}\n`);
    process.exit(1);
  },
);
process.on('SIGTERM', () => {
  relay.stop().then(() => process.exit(0));
});
