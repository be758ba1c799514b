/** DI token of the validated configuration object of the running service. */
export const PLATFORM_CONFIG = Symbol.for('jsjb.platform.config');
/** DI token of the service's name (`intake`, `routing`, `sla`). */
export const SERVICE_NAME = Symbol.for('jsjb.platform.service-name');
/**
 * Optional: functions that attach transports (e.g. a Kafka consumer) to the application.
 * createApp calls each; runService starts them before serving HTTP.
 */
export const APP_CONNECTORS = Symbol.for('jsjb.platform.app-connectors');
/** DI token of the service's permission map merged with the platform's (see auth/permissions.ts). */
export const PERMISSIONS = Symbol.for('jsjb.platform.permissions');
/** DI token of the service's database client (its PrismaService) as a PrismaClientLike: raw SQL. */
export const DATABASE_CLIENT = Symbol.for('jsjb.platform.database-client');
