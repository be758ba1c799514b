export * from './services';
export * from './topics';
export * from './events/event-definition';
export * from './events/ticket.events';
export * from './events/catalog';
