// API keys this broker implements and the version ranges it advertises in ApiVersions.
// Every version in a range is decoded and encoded by src/protocol/messages.ts; none of them
// is a "flexible" (tagged-field) version, so request headers are v1 and response headers v0.

export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteGroups: 42,
} as const;

export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];

export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

export const SUPPORTED_VERSIONS: Readonly<Record<ApiKey, VersionRange>> = {
  // RecordBatch v2 (headers) needs Produce >= 3 and Fetch >= 4; older versions carry
  // message sets v0/v1 this broker does not store.
  [ApiKey.Produce]: { min: 3, max: 3 },
  [ApiKey.Fetch]: { min: 4, max: 4 },
  [ApiKey.ListOffsets]: { min: 1, max: 2 },
  [ApiKey.Metadata]: { min: 0, max: 4 },
  [ApiKey.OffsetCommit]: { min: 0, max: 2 },
  [ApiKey.OffsetFetch]: { min: 1, max: 3 },
  [ApiKey.FindCoordinator]: { min: 0, max: 1 },
  // v4 adds the member-id handshake (MEMBER_ID_REQUIRED); v5 (static membership) is not offered.
  [ApiKey.JoinGroup]: { min: 0, max: 4 },
  [ApiKey.Heartbeat]: { min: 0, max: 1 },
  [ApiKey.LeaveGroup]: { min: 0, max: 1 },
  [ApiKey.SyncGroup]: { min: 0, max: 1 },
  [ApiKey.DescribeGroups]: { min: 0, max: 1 },
  [ApiKey.ListGroups]: { min: 0, max: 1 },
  [ApiKey.ApiVersions]: { min: 0, max: 2 },
  [ApiKey.CreateTopics]: { min: 0, max: 2 },
  [ApiKey.DeleteTopics]: { min: 0, max: 1 },
  [ApiKey.DeleteGroups]: { min: 0, max: 1 },
};

const byKey = new Map<number, ApiKey>(Object.values(ApiKey).map((key) => [key, key]));

export function asApiKey(value: number): ApiKey | undefined {
  return byKey.get(value);
}

export function apiName(key: number): string {
  const entry = Object.entries(ApiKey).find(([, value]) => value === key);
  return entry ? entry[0] : `ApiKey(${key})`;
}

export function isSupported(key: ApiKey, version: number): boolean {
  const range = SUPPORTED_VERSIONS[key];
  return version >= range.min && version <= range.max;
}
