import { GroupCoordinator } from '../../src/group/group-coordinator';
import { ErrorCode } from '../../src/protocol/errors';
import type { JoinGroupRequest, JoinGroupResponse, SyncGroupResponse } from '../../src/protocol/messages';

const client = { clientId: 'test', clientHost: '/127.0.0.1' };

function joinRequest(overrides: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: 'g',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 5_000,
    memberId: '',
    protocolType: 'consumer',
    protocols: [{ name: 'rr', metadata: Buffer.from('meta') }],
    ...overrides,
  };
}

/** A pending answer: `value` is set once the coordinator responds. */
interface Pending<T> {
  value?: T;
}

describe('GroupCoordinator', () => {
  let coordinator: GroupCoordinator;
  let log: string[];

  beforeEach(() => {
    jest.useFakeTimers();
    log = [];
    coordinator = new GroupCoordinator({
      minSessionTimeoutMs: 1000,
      maxSessionTimeoutMs: 60_000,
      log: (l) => log.push(l),
    });
  });

  afterEach(() => {
    coordinator.close();
    expect(jest.getTimerCount()).toBe(0);
    jest.useRealTimers();
  });

  function join(req: JoinGroupRequest, version = 3): Pending<JoinGroupResponse> {
    const pending: Pending<JoinGroupResponse> = {};
    coordinator.join(req, version, client, (res) => {
      pending.value = res;
    });
    jest.advanceTimersByTime(0); // joins complete on the next tick
    return pending;
  }

  function sync(
    memberId: string,
    generationId: number,
    assignments: [string, string][] = [],
  ): Pending<SyncGroupResponse> {
    const pending: Pending<SyncGroupResponse> = {};
    coordinator.sync(
      {
        groupId: 'g',
        generationId,
        memberId,
        assignments: assignments.map(([m, a]) => ({ memberId: m, assignment: Buffer.from(a) })),
      },
      (res) => {
        pending.value = res;
      },
    );
    return pending;
  }

  function heartbeat(memberId: string, generationId: number): number {
    return coordinator.heartbeat({ groupId: 'g', generationId, memberId });
  }

  /** Joins a first member and completes generation 1 with it as leader. */
  function stableSingleMember(): string {
    const joined = join(joinRequest()).value;
    if (!joined) throw new Error('join did not complete');
    const synced = sync(joined.memberId, joined.generationId, [[joined.memberId, 'all']]);
    expect(synced.value).toEqual({ errorCode: 0, assignment: Buffer.from('all') });
    return joined.memberId;
  }

  it('forms a one-member group: join, leader gets member metadata, sync, heartbeat', () => {
    const joined = join(joinRequest()).value;
    expect(joined).toMatchObject({ errorCode: 0, generationId: 1, protocolName: 'rr' });
    expect(joined?.leader).toBe(joined?.memberId);
    expect(joined?.members).toEqual([{ memberId: joined?.memberId, metadata: Buffer.from('meta') }]);
    expect(coordinator.describe(['g'])[0]?.state).toBe('CompletingRebalance');
    const memberId = joined?.memberId ?? '';
    expect(sync(memberId, 1, [[memberId, 'assignment']]).value).toEqual({
      errorCode: 0,
      assignment: Buffer.from('assignment'),
    });
    expect(heartbeat(memberId, 1)).toBe(ErrorCode.NONE);
    const described = coordinator.describe(['g'])[0];
    expect(described).toMatchObject({ state: 'Stable', protocolType: 'consumer', protocol: 'rr' });
    expect(described?.members[0]).toMatchObject({ memberId, clientId: 'test', clientHost: '/127.0.0.1' });
    expect(described?.members[0]?.assignment).toEqual(Buffer.from('assignment'));
  });

  it('JoinGroup v4 hands out a member id first (MEMBER_ID_REQUIRED), then joins with it', () => {
    const first = join(joinRequest(), 4).value;
    expect(first?.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first?.memberId).toMatch(/^test-/);
    expect(coordinator.describe(['g'])[0]?.members).toHaveLength(0);
    const second = join(joinRequest({ memberId: first?.memberId ?? '' }), 4).value;
    expect(second).toMatchObject({
      errorCode: 0,
      generationId: 1,
      memberId: first?.memberId,
      leader: first?.memberId,
    });
  });

  it('forgets a handed-out member id that never comes back', () => {
    const first = join(joinRequest(), 4).value;
    jest.advanceTimersByTime(10_001);
    expect(join(joinRequest({ memberId: first?.memberId ?? '' }), 4).value?.errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
  });

  it('rebalances when a second member joins: the first learns it from its heartbeat', () => {
    const a = stableSingleMember();
    const bJoin = join(joinRequest());
    expect(bJoin.value).toBeUndefined(); // waits for the known member to rejoin
    expect(heartbeat(a, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(coordinator.describe(['g'])[0]?.state).toBe('PreparingRebalance');
    const aJoin = join(joinRequest({ memberId: a }));
    expect(aJoin.value).toMatchObject({ errorCode: 0, generationId: 2, leader: a });
    expect(aJoin.value?.members).toHaveLength(2);
    const b = bJoin.value?.memberId ?? '';
    expect(bJoin.value).toMatchObject({ errorCode: 0, generationId: 2, leader: a, members: [] });
    const bSync = sync(b, 2);
    expect(bSync.value).toBeUndefined(); // followers wait for the leader's assignment
    const aSync = sync(a, 2, [
      [a, 'p0'],
      [b, 'p1'],
    ]);
    expect(aSync.value).toEqual({ errorCode: 0, assignment: Buffer.from('p0') });
    expect(bSync.value).toEqual({ errorCode: 0, assignment: Buffer.from('p1') });
    expect(heartbeat(b, 2)).toBe(ErrorCode.NONE);
  });

  it('rejects stale generations and unknown members', () => {
    const a = stableSingleMember();
    expect(heartbeat(a, 0)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(heartbeat('nobody', 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(sync(a, 7).value?.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(join(joinRequest({ memberId: 'nobody' })).value?.errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const commit = (memberId: string, generationId: number): number | undefined =>
      coordinator.commitOffsets(
        {
          groupId: 'g',
          generationId,
          memberId,
          topics: [{ name: 't', partitions: [{ partition: 0, offset: 1, metadata: null }] }],
        },
        () => true,
      ).topics[0]?.partitions[0]?.errorCode;
    expect(commit(a, 0)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(commit('nobody', 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(commit(a, 1)).toBe(ErrorCode.NONE);
    expect(coordinator.heartbeat({ groupId: 'other', generationId: 1, memberId: a })).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
  });

  it('removes a member whose session expires and rebalances the survivor', () => {
    const a = stableSingleMember();
    const bJoin = join(joinRequest({ sessionTimeoutMs: 3000 }));
    join(joinRequest({ memberId: a }));
    const b = bJoin.value?.memberId ?? '';
    sync(a, 2, [[a, 'p0']]);
    sync(b, 2);
    for (let t = 0; t < 2; t++) {
      jest.advanceTimersByTime(1000);
      expect(heartbeat(a, 2)).toBe(ErrorCode.NONE); // b stays silent
    }
    jest.advanceTimersByTime(1001);
    expect(log.some((l) => l.includes(`${b} removed: session timeout`))).toBe(true);
    expect(heartbeat(a, 2)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(heartbeat(b, 2)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const rejoined = join(joinRequest({ memberId: a })).value;
    expect(rejoined).toMatchObject({ errorCode: 0, generationId: 3, leader: a });
    expect(rejoined?.members.map((m) => m.memberId)).toEqual([a]);
  });

  it('keeps members waiting in JoinGroup alive and drops those that miss the rebalance timeout', () => {
    const a = stableSingleMember();
    const bJoin = join(joinRequest({ sessionTimeoutMs: 30_000 }));
    join(joinRequest({ memberId: a, sessionTimeoutMs: 30_000 }));
    const b = bJoin.value?.memberId ?? '';
    sync(a, 2, [[a, 'x']]);
    sync(b, 2);
    // c joins; a rejoins; b never does
    const cJoin = join(joinRequest({ sessionTimeoutMs: 30_000 }));
    const aJoin = join(joinRequest({ memberId: a, sessionTimeoutMs: 30_000 }));
    expect(cJoin.value).toBeUndefined();
    jest.advanceTimersByTime(5_000);
    expect(aJoin.value).toMatchObject({ errorCode: 0, generationId: 3 });
    expect(aJoin.value?.members.map((m) => m.memberId).sort()).toEqual([a, cJoin.value?.memberId].sort());
    expect(log.some((l) => l.includes(`${b} did not rejoin in time`))).toBe(true);
  });

  it('LeaveGroup rebalances the rest; the last member leaving empties the group', () => {
    const a = stableSingleMember();
    const bJoin = join(joinRequest());
    join(joinRequest({ memberId: a }));
    const b = bJoin.value?.memberId ?? '';
    sync(a, 2, [[a, 'x']]);
    sync(b, 2);
    expect(coordinator.leave({ groupId: 'g', memberId: b })).toBe(ErrorCode.NONE);
    expect(heartbeat(a, 2)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(join(joinRequest({ memberId: a })).value).toMatchObject({ errorCode: 0, generationId: 3 });
    sync(a, 3, [[a, 'all']]);
    expect(coordinator.leave({ groupId: 'g', memberId: a })).toBe(ErrorCode.NONE);
    jest.advanceTimersByTime(0);
    expect(coordinator.describe(['g'])[0]).toMatchObject({ state: 'Empty', members: [] });
    expect(coordinator.leave({ groupId: 'g', memberId: a })).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('answers followers waiting in SyncGroup with REBALANCE_IN_PROGRESS when a rebalance starts', () => {
    const a = stableSingleMember();
    const bJoin = join(joinRequest());
    join(joinRequest({ memberId: a }));
    const b = bJoin.value?.memberId ?? '';
    const bSync = sync(b, 2);
    join(joinRequest()); // a third member arrives before the leader synced
    expect(bSync.value?.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(sync(a, 2).value?.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it('selects the protocol every member supports, by preference votes', () => {
    const p = (...names: string[]): JoinGroupRequest['protocols'] =>
      names.map((name) => ({ name, metadata: Buffer.from(name) }));
    const aJoin = join(joinRequest({ protocols: p('range', 'rr') }));
    const a = aJoin.value?.memberId ?? '';
    sync(a, 1);
    const bJoin = join(joinRequest({ protocols: p('rr', 'range') }));
    const cJoin = join(joinRequest({ protocols: p('rr') }));
    const aRejoin = join(joinRequest({ memberId: a, protocols: p('range', 'rr') }));
    expect(aRejoin.value?.protocolName).toBe('rr');
    expect(bJoin.value?.protocolName).toBe('rr');
    expect(cJoin.value?.protocolName).toBe('rr');
    expect(aRejoin.value?.members.find((m) => m.memberId === a)?.metadata).toEqual(Buffer.from('rr'));
    expect(join(joinRequest({ protocols: p('sticky') })).value?.errorCode).toBe(
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    );
    expect(join(joinRequest({ protocolType: 'connect' })).value?.errorCode).toBe(
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    );
  });

  it('validates group id and session timeout', () => {
    expect(join(joinRequest({ groupId: '' })).value?.errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    expect(join(joinRequest({ sessionTimeoutMs: 10 })).value?.errorCode).toBe(
      ErrorCode.INVALID_SESSION_TIMEOUT,
    );
    expect(join(joinRequest({ sessionTimeoutMs: 600_000 })).value?.errorCode).toBe(
      ErrorCode.INVALID_SESSION_TIMEOUT,
    );
  });

  it('stores committed offsets, including negative ones, and fetches them back', () => {
    const commit = coordinator.commitOffsets(
      {
        groupId: 'admin-group',
        generationId: -1,
        memberId: '',
        topics: [
          {
            name: 't',
            partitions: [
              { partition: 0, offset: -2, metadata: null },
              { partition: 1, offset: 42, metadata: 'm' },
            ],
          },
          { name: 'gone', partitions: [{ partition: 0, offset: 1, metadata: null }] },
        ],
      },
      (topic) => topic === 't',
    );
    expect(commit.topics.map((t) => t.partitions.map((p) => p.errorCode))).toEqual([
      [0, 0],
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ]);
    expect(
      coordinator.fetchOffsets({ groupId: 'admin-group', topics: [{ name: 't', partitions: [0, 1, 2] }] }),
    ).toEqual({
      errorCode: 0,
      topics: [
        {
          name: 't',
          partitions: [
            { partition: 0, offset: -2, metadata: '', errorCode: 0 },
            { partition: 1, offset: 42, metadata: 'm', errorCode: 0 },
            { partition: 2, offset: -1, metadata: '', errorCode: 0 },
          ],
        },
      ],
    });
    expect(coordinator.fetchOffsets({ groupId: 'admin-group', topics: null }).topics).toHaveLength(1);
    expect(coordinator.fetchOffsets({ groupId: 'nope', topics: null }).topics).toEqual([]);
    expect(coordinator.describe(['admin-group', 'nope']).map((g) => g.state)).toEqual(['Empty', 'Dead']);
    coordinator.forgetTopic('t');
    expect(coordinator.fetchOffsets({ groupId: 'admin-group', topics: null }).topics).toEqual([]);
  });

  it('lists groups and deletes only empty ones', () => {
    const a = stableSingleMember();
    expect(coordinator.list()).toEqual([{ groupId: 'g', protocolType: 'consumer' }]);
    expect(coordinator.delete(['g', 'missing'])).toEqual([
      { groupId: 'g', errorCode: ErrorCode.NON_EMPTY_GROUP },
      { groupId: 'missing', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ]);
    coordinator.leave({ groupId: 'g', memberId: a });
    jest.advanceTimersByTime(0);
    expect(coordinator.delete(['g'])).toEqual([{ groupId: 'g', errorCode: 0 }]);
    expect(coordinator.list()).toEqual([]);
  });
});
