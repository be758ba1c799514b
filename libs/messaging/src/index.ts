export * from './cloud-events';
