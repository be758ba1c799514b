// Consumer group coordinator: the classic (pre-KIP-848) group protocol state machine and the
// committed-offset store. Member metadata and assignments are opaque bytes, passed through.
//
//   Empty --join--> PreparingRebalance --all known members joined / rebalance timeout-->
//   CompletingRebalance --leader's SyncGroup--> Stable
//   Stable/CompletingRebalance --join of a new member, leader rejoin, changed protocols,
//   LeaveGroup, session expiry--> PreparingRebalance
//   PreparingRebalance --no members left--> Empty
//
// Joins complete as soon as every known member has rejoined (there is no initial rebalance
// delay). Members waiting in JoinGroup or SyncGroup are kept alive; other members are
// removed when no heartbeat, sync, join or commit arrived within their session timeout.

import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/errors';
import type {
  DescribedGroup,
  HeartbeatRequest,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  OffsetCommitRequest,
  OffsetFetchRequest,
  OffsetFetchResponse,
  PartitionErrors,
  SyncGroupRequest,
  SyncGroupResponse,
} from '../protocol/messages';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

type JoinCallback = (response: JoinGroupResponse) => void;
type SyncCallback = (response: SyncGroupResponse) => void;

interface Protocol {
  name: string;
  metadata: Buffer;
}

interface Member {
  readonly memberId: string;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: Protocol[];
  assignment: Buffer;
  awaitingJoin: JoinCallback | null;
  awaitingSync: SyncCallback | null;
  sessionTimer: NodeJS.Timeout | null;
}

interface CommittedOffset {
  offset: number;
  metadata: string;
}

class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, Member>();
  /** Member ids handed out with MEMBER_ID_REQUIRED (JoinGroup v4), expiring after a session timeout. */
  readonly pendingMembers = new Map<string, NodeJS.Timeout>();
  rebalanceTimer: NodeJS.Timeout | null = null;
  joinCheck: NodeJS.Immediate | null = null;
  /** topic -> partition -> committed offset */
  readonly offsets = new Map<string, Map<number, CommittedOffset>>();

  constructor(readonly groupId: string) {}
}

export interface GroupCoordinatorOptions {
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  log: (line: string) => void;
}

const EMPTY = Buffer.alloc(0);
const MAX_OFFSET_METADATA = 4096;

export interface GroupSnapshot {
  groupId: string;
  state: GroupState;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leaderId: string | null;
  members: { memberId: string; clientId: string; assignment: Buffer }[];
}

export class GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private closed = false;

  constructor(private readonly options: GroupCoordinatorOptions) {}

  // -------------------------------------------------------------------------------------
  // JoinGroup

  join(
    req: JoinGroupRequest,
    version: number,
    client: { clientId: string; clientHost: string },
    respond: JoinCallback,
  ): void {
    const fail = (errorCode: number, memberId = req.memberId): void =>
      respond({ errorCode, generationId: -1, protocolName: '', leader: '', memberId, members: [] });

    if (req.groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
    if (
      req.sessionTimeoutMs < this.options.minSessionTimeoutMs ||
      req.sessionTimeoutMs > this.options.maxSessionTimeoutMs
    ) {
      return fail(ErrorCode.INVALID_SESSION_TIMEOUT);
    }

    if (req.protocolType === '' || req.protocols.length === 0) {
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    let group = this.groups.get(req.groupId);
    if (!group) {
      if (req.memberId !== '') return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      group = new Group(req.groupId);
      this.groups.set(req.groupId, group);
    }
    if (group.members.size > 0 && !this.supportsProtocols(group, req)) {
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }

    if (req.memberId === '') {
      const memberId = `${client.clientId || 'member'}-${randomUUID()}`;
      if (version >= 4) {
        // KIP-394: hand out the id first; the member joins for real when it comes back with it.
        const target = group;
        const timer = setTimeout(() => {
          target.pendingMembers.delete(memberId);
          this.scheduleJoinCheck(target);
        }, req.sessionTimeoutMs);
        group.pendingMembers.set(memberId, timer);
        return fail(ErrorCode.MEMBER_ID_REQUIRED, memberId);
      }
      return this.addMemberAndRebalance(group, memberId, req, client, respond);
    }

    const pendingTimer = group.pendingMembers.get(req.memberId);
    if (pendingTimer !== undefined) {
      clearTimeout(pendingTimer);
      group.pendingMembers.delete(req.memberId);
      return this.addMemberAndRebalance(group, req.memberId, req, client, respond);
    }

    const member = group.members.get(req.memberId);
    if (!member) return fail(ErrorCode.UNKNOWN_MEMBER_ID);

    switch (group.state) {
      case 'PreparingRebalance':
        this.updateMember(member, req, client, respond);
        this.scheduleJoinCheck(group);
        return;
      case 'CompletingRebalance':
        if (sameProtocols(member.protocols, req.protocols)) {
          // A retried join of the generation being completed: answer it again.
          this.touch(group, member);
          return respond(this.joinResponse(group, member));
        }
        this.updateMember(member, req, client, respond);
        return this.prepareRebalance(group, `member ${member.memberId} changed its protocols`);
      case 'Stable':
        if (group.leaderId === member.memberId || !sameProtocols(member.protocols, req.protocols)) {
          this.updateMember(member, req, client, respond);
          return this.prepareRebalance(group, `member ${member.memberId} rejoined`);
        }
        this.touch(group, member);
        return respond(this.joinResponse(group, member));
      case 'Empty':
      case 'Dead':
        return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    }
  }

  private supportsProtocols(group: Group, req: JoinGroupRequest): boolean {
    if (group.protocolType !== req.protocolType) return false;
    const candidates = this.candidateProtocols(group);
    return req.protocols.some((p) => candidates.has(p.name));
  }

  /** Protocol names every current member supports. */
  private candidateProtocols(group: Group): Set<string> {
    const members = [...group.members.values()];
    const first = members[0];
    if (!first) return new Set();
    const candidates = new Set(first.protocols.map((p) => p.name));
    for (const member of members.slice(1)) {
      const names = new Set(member.protocols.map((p) => p.name));
      for (const name of candidates) if (!names.has(name)) candidates.delete(name);
    }
    return candidates;
  }

  private addMemberAndRebalance(
    group: Group,
    memberId: string,
    req: JoinGroupRequest,
    client: { clientId: string; clientHost: string },
    respond: JoinCallback,
  ): void {
    const member: Member = {
      memberId,
      clientId: client.clientId,
      clientHost: client.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      protocols: req.protocols,
      assignment: EMPTY,
      awaitingJoin: respond,
      awaitingSync: null,
      sessionTimer: null,
    };
    if (group.members.size === 0) group.protocolType = req.protocolType;
    group.members.set(memberId, member);
    this.touch(group, member);
    if (group.state === 'PreparingRebalance') this.scheduleJoinCheck(group);
    else this.prepareRebalance(group, `member ${memberId} joined`);
  }

  private updateMember(
    member: Member,
    req: JoinGroupRequest,
    client: { clientId: string; clientHost: string },
    respond: JoinCallback,
  ): void {
    const previous = member.awaitingJoin;
    member.protocols = req.protocols;
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.clientId = client.clientId;
    member.clientHost = client.clientHost;
    member.awaitingJoin = respond;
    // A superseded join (the client gave up on it) still gets an answer, so the connection
    // it arrived on is not blocked behind it.
    previous?.(errorJoin(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
  }

  private joinResponse(group: Group, member: Member): JoinGroupResponse {
    const protocolName = group.protocolName ?? '';
    const isLeader = group.leaderId === member.memberId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolName,
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader
        ? [...group.members.values()].map((m) => ({
            memberId: m.memberId,
            metadata: m.protocols.find((p) => p.name === protocolName)?.metadata ?? EMPTY,
          }))
        : [],
    };
  }

  private prepareRebalance(group: Group, reason: string): void {
    if (group.state === 'CompletingRebalance') {
      for (const member of group.members.values()) {
        const pending = member.awaitingSync;
        member.awaitingSync = null;
        pending?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      }
    }
    for (const member of group.members.values()) member.assignment = EMPTY;
    if (group.state !== 'PreparingRebalance') {
      this.options.log(`group ${group.groupId}: preparing rebalance (${reason})`);
    }
    group.state = 'PreparingRebalance';
    if (group.rebalanceTimer) clearTimeout(group.rebalanceTimer);
    let timeoutMs = 0;
    for (const member of group.members.values()) timeoutMs = Math.max(timeoutMs, member.rebalanceTimeoutMs);
    group.rebalanceTimer = setTimeout(() => {
      group.rebalanceTimer = null;
      this.completeJoin(group);
    }, timeoutMs);
    this.scheduleJoinCheck(group);
  }

  /** Completes the join phase once every known member is waiting in JoinGroup (next tick, so
   *  joins that arrive together land in one generation). */
  private scheduleJoinCheck(group: Group): void {
    if (group.joinCheck !== null || this.closed) return;
    group.joinCheck = setImmediate(() => {
      group.joinCheck = null;
      if (group.state !== 'PreparingRebalance' || group.pendingMembers.size > 0) return;
      for (const member of group.members.values()) if (!member.awaitingJoin) return;
      this.completeJoin(group);
    });
  }

  private completeJoin(group: Group): void {
    if (group.state !== 'PreparingRebalance') return;
    if (group.rebalanceTimer) {
      clearTimeout(group.rebalanceTimer);
      group.rebalanceTimer = null;
    }
    for (const member of [...group.members.values()]) {
      if (!member.awaitingJoin) {
        this.options.log(`group ${group.groupId}: member ${member.memberId} did not rejoin in time`);
        this.dropMember(group, member);
      }
    }
    group.generationId += 1;
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.protocolName = null;
      group.leaderId = null;
      this.options.log(`group ${group.groupId}: generation ${group.generationId}, empty`);
      return;
    }
    group.protocolName = this.selectProtocol(group);
    if (group.leaderId === null || !group.members.has(group.leaderId)) {
      group.leaderId = group.members.keys().next().value ?? null;
    }
    group.state = 'CompletingRebalance';
    this.options.log(
      `group ${group.groupId}: generation ${group.generationId}, ${group.members.size} member(s), ` +
        `protocol ${group.protocolName}, leader ${group.leaderId ?? '-'}`,
    );
    for (const member of group.members.values()) {
      const respond = member.awaitingJoin;
      member.awaitingJoin = null;
      this.touch(group, member);
      respond?.(this.joinResponse(group, member));
    }
  }

  /** Each member votes for its most preferred candidate protocol; most votes wins. */
  private selectProtocol(group: Group): string {
    const candidates = this.candidateProtocols(group);
    const votes = new Map<string, number>();
    for (const member of group.members.values()) {
      const choice = member.protocols.find((p) => candidates.has(p.name));
      if (choice) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
    }
    let best = '';
    let bestVotes = -1;
    for (const [name, count] of votes) {
      if (count > bestVotes) {
        best = name;
        bestVotes = count;
      }
    }
    return best;
  }

  // -------------------------------------------------------------------------------------
  // SyncGroup, Heartbeat, LeaveGroup

  sync(req: SyncGroupRequest, respond: SyncCallback): void {
    const fail = (errorCode: number): void => respond({ errorCode, assignment: EMPTY });
    const group = this.groups.get(req.groupId);
    const member = group?.members.get(req.memberId);
    if (!group || !member) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (req.generationId !== group.generationId) return fail(ErrorCode.ILLEGAL_GENERATION);
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      case 'PreparingRebalance':
        return fail(ErrorCode.REBALANCE_IN_PROGRESS);
      case 'Stable':
        this.touch(group, member);
        return respond({ errorCode: ErrorCode.NONE, assignment: member.assignment });
      case 'CompletingRebalance': {
        const previous = member.awaitingSync;
        member.awaitingSync = respond;
        previous?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
        this.touch(group, member);
        if (group.leaderId !== member.memberId) return;
        const assignments = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
        for (const m of group.members.values()) m.assignment = assignments.get(m.memberId) ?? EMPTY;
        group.state = 'Stable';
        this.options.log(`group ${group.groupId}: generation ${group.generationId} stable`);
        for (const m of group.members.values()) {
          const pending = m.awaitingSync;
          m.awaitingSync = null;
          this.touch(group, m);
          pending?.({ errorCode: ErrorCode.NONE, assignment: m.assignment });
        }
        return;
      }
    }
  }

  heartbeat(req: HeartbeatRequest): ErrorCode {
    const group = this.groups.get(req.groupId);
    const member = group?.members.get(req.memberId);
    if (!group || !member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.touch(group, member);
    return group.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  leave(req: LeaveGroupRequest): ErrorCode {
    const group = this.groups.get(req.groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    const pending = group.pendingMembers.get(req.memberId);
    if (pending !== undefined) {
      clearTimeout(pending);
      group.pendingMembers.delete(req.memberId);
      this.scheduleJoinCheck(group);
      return ErrorCode.NONE;
    }
    const member = group.members.get(req.memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.removeMember(group, member, 'left the group');
    return ErrorCode.NONE;
  }

  /** Restarts the member's session timer. */
  private touch(group: Group, member: Member): void {
    if (this.closed) return;
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    member.sessionTimer = setTimeout(() => this.sessionExpired(group, member), member.sessionTimeoutMs);
  }

  private sessionExpired(group: Group, member: Member): void {
    member.sessionTimer = null;
    if (group.members.get(member.memberId) !== member) return;
    if (member.awaitingJoin || member.awaitingSync) {
      this.touch(group, member); // kept alive while waiting on the coordinator
      return;
    }
    this.removeMember(group, member, `session timeout (${member.sessionTimeoutMs} ms) expired`);
  }

  /** Removes a member and answers any request of it still waiting. */
  private dropMember(group: Group, member: Member): void {
    if (member.sessionTimer) clearTimeout(member.sessionTimer);
    member.sessionTimer = null;
    group.members.delete(member.memberId);
    if (group.leaderId === member.memberId) group.leaderId = null;
    const join = member.awaitingJoin;
    const sync = member.awaitingSync;
    member.awaitingJoin = null;
    member.awaitingSync = null;
    join?.(errorJoin(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    sync?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
  }

  private removeMember(group: Group, member: Member, reason: string): void {
    this.options.log(`group ${group.groupId}: member ${member.memberId} removed: ${reason}`);
    this.dropMember(group, member);
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        return this.prepareRebalance(group, `member ${member.memberId} ${reason}`);
      case 'PreparingRebalance':
        return this.scheduleJoinCheck(group);
      case 'Empty':
      case 'Dead':
        return;
    }
  }

  // -------------------------------------------------------------------------------------
  // Offsets

  commitOffsets(
    req: OffsetCommitRequest,
    partitionExists: (topic: string, partition: number) => boolean,
  ): PartitionErrors {
    const all = (errorCode: number): PartitionErrors => ({
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({ partition: p.partition, errorCode })),
      })),
    });
    let group = this.groups.get(req.groupId);
    if (req.groupId === '') return all(ErrorCode.INVALID_GROUP_ID);
    if (!group) {
      // Offsets stored for a group that does not use group management (admin tools).
      if (req.generationId >= 0) return all(ErrorCode.ILLEGAL_GENERATION);
      group = new Group(req.groupId);
      this.groups.set(req.groupId, group);
    } else if (!(req.generationId < 0 && group.state === 'Empty')) {
      if (group.state === 'CompletingRebalance') return all(ErrorCode.REBALANCE_IN_PROGRESS);
      const member = group.members.get(req.memberId);
      if (!member) return all(ErrorCode.UNKNOWN_MEMBER_ID);
      if (req.generationId !== group.generationId) return all(ErrorCode.ILLEGAL_GENERATION);
      this.touch(group, member);
    }
    const target = group;
    return {
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => {
          if (!partitionExists(t.name, p.partition)) {
            return { partition: p.partition, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
          }
          const metadata = p.metadata ?? '';
          if (metadata.length > MAX_OFFSET_METADATA) {
            return { partition: p.partition, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE };
          }
          let byPartition = target.offsets.get(t.name);
          if (!byPartition) {
            byPartition = new Map();
            target.offsets.set(t.name, byPartition);
          }
          byPartition.set(p.partition, { offset: p.offset, metadata });
          return { partition: p.partition, errorCode: ErrorCode.NONE };
        }),
      })),
    };
  }

  fetchOffsets(req: OffsetFetchRequest): OffsetFetchResponse {
    const group = this.groups.get(req.groupId);
    if (req.topics === null) {
      const topics = group
        ? [...group.offsets].map(([name, byPartition]) => ({
            name,
            partitions: [...byPartition]
              .sort(([a], [b]) => a - b)
              .map(([partition, c]) => ({ partition, offset: c.offset, metadata: c.metadata, errorCode: 0 })),
          }))
        : [];
      return { errorCode: ErrorCode.NONE, topics };
    }
    return {
      errorCode: ErrorCode.NONE,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((partition) => {
          const committed = group?.offsets.get(t.name)?.get(partition);
          return committed
            ? { partition, offset: committed.offset, metadata: committed.metadata, errorCode: 0 }
            : { partition, offset: -1, metadata: '', errorCode: 0 };
        }),
      })),
    };
  }

  /** Drops committed offsets of a deleted topic. */
  forgetTopic(topic: string): void {
    for (const group of this.groups.values()) group.offsets.delete(topic);
  }

  // -------------------------------------------------------------------------------------
  // Admin

  describe(groupIds: string[]): DescribedGroup[] {
    return groupIds.map((groupId) => {
      const group = this.groups.get(groupId);
      if (!group) {
        return { errorCode: 0, groupId, state: 'Dead', protocolType: '', protocol: '', members: [] };
      }
      const stable = group.state === 'Stable';
      return {
        errorCode: ErrorCode.NONE,
        groupId,
        state: group.state,
        protocolType: group.protocolType ?? '',
        protocol: stable ? (group.protocolName ?? '') : '',
        members: [...group.members.values()].map((m) => ({
          memberId: m.memberId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          metadata: stable
            ? (m.protocols.find((p) => p.name === group.protocolName)?.metadata ?? EMPTY)
            : EMPTY,
          assignment: stable ? m.assignment : EMPTY,
        })),
      };
    });
  }

  list(): { groupId: string; protocolType: string }[] {
    return [...this.groups.values()].map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '' }));
  }

  delete(groupIds: string[]): { groupId: string; errorCode: number }[] {
    return groupIds.map((groupId) => {
      if (groupId === '') return { groupId, errorCode: ErrorCode.INVALID_GROUP_ID };
      const group = this.groups.get(groupId);
      if (!group) return { groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND };
      if (group.state !== 'Empty' || group.members.size > 0)
        return { groupId, errorCode: ErrorCode.NON_EMPTY_GROUP };
      this.disposeGroup(group);
      this.groups.delete(groupId);
      return { groupId, errorCode: ErrorCode.NONE };
    });
  }

  snapshot(groupId: string): GroupSnapshot | undefined {
    const group = this.groups.get(groupId);
    if (!group) return undefined;
    return {
      groupId,
      state: group.state,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leaderId: group.leaderId,
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        assignment: m.assignment,
      })),
    };
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  private disposeGroup(group: Group): void {
    if (group.rebalanceTimer) clearTimeout(group.rebalanceTimer);
    group.rebalanceTimer = null;
    if (group.joinCheck) clearImmediate(group.joinCheck);
    group.joinCheck = null;
    for (const timer of group.pendingMembers.values()) clearTimeout(timer);
    group.pendingMembers.clear();
    for (const member of group.members.values()) {
      if (member.sessionTimer) clearTimeout(member.sessionTimer);
      member.sessionTimer = null;
    }
  }

  /** Restarts every member's session timer (after the broker was unreachable for a while). */
  refreshSessions(): void {
    for (const group of this.groups.values()) {
      for (const member of group.members.values()) this.touch(group, member);
    }
  }

  /** Clears every timer; pending requests are abandoned (their connections are closing). */
  close(): void {
    this.closed = true;
    for (const group of this.groups.values()) this.disposeGroup(group);
  }
}

function errorJoin(errorCode: number, memberId: string): JoinGroupResponse {
  return { errorCode, generationId: -1, protocolName: '', leader: '', memberId, members: [] };
}

function sameProtocols(a: readonly Protocol[], b: readonly Protocol[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((p, i) => {
    const q = b[i];
    return q !== undefined && p.name === q.name && p.metadata.equals(q.metadata);
  });
}
