export * from './environment';
export * from './wait-for';
export * from './test-database';
export * from './schema-drift';
export * from './service-suite';
export * from './bench';
export * from './auth';
export * from './append-only';
