/** @type {import('jest').Config} */
module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'routing',
  rootDir: __dirname,
  // The foundation suite's last test stops the broker under a running Kafka consumer (routing
  // consumes ticket.received.v1); kafkajs then keeps reconnect timers alive after app.close().
  forceExit: true,
};
