/** The three services; each owns one database, `jsjb_<service>`. */
export const SERVICES = ['intake', 'routing', 'sla'] as const;
export type ServiceName = (typeof SERVICES)[number];

export function serviceDatabase(service: ServiceName): string {
  return `jsjb_${service}`;
}
