export * from './services';
export * from './topics';
export * from './events/event-definition';
export * from './events/ticket.events';
export * from './events/workflow.events';
export * from './events/whistle.events';
export * from './events/reference.events';
export * from './events/catalog';
