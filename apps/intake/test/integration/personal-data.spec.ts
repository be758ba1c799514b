import { randomBytes, randomUUID } from 'node:crypto';
import { ticketDispatchedV1 } from '@jsjb/contracts';
import { RedisConnection, type TokenClaims } from '@jsjb/platform';
import { CallerData } from '../../src/privacy/caller-data.service';
import { PersonalDataCipher } from '../../src/privacy/personal-data';
import { PiiRekeyRepository } from '../../src/privacy/pii-rekey.repository';
import { PiiRekey } from '../../src/privacy/pii-rekey.service';
import { privacyCommands } from '../../src/privacy/privacy.commands';
import { type HttpResponse, type IntakeHarness, startIntakeHarness } from '../support/intake-harness';
import { seedReference, UNITS } from '../support/reference-seed';

const TEST_TIMEOUT_MS = 60_000;
const operator: TokenClaims = { sub: 'operator-pii', role: 'operator' };
const dispatcher: TokenClaims = { sub: 'dispatcher-pii', role: 'dispatcher' };
const manager: TokenClaims = { sub: 'manager-pii', role: 'manager' };
const admin: TokenClaims = { sub: 'admin-pii', role: 'admin' };
const anzhenStaff: TokenClaims = { sub: 'staff-anzhen-1', role: 'unit_staff', unit: UNITS.anzhen.id };
const otherUnitStaff: TokenClaims = { sub: 'staff-cg-1', role: 'unit_staff', unit: UNITS.chengguan.id };
const resident = (sub: string): TokenClaims => ({ sub, role: 'resident' });

const PURPOSE = 'X-Access-Purpose';
/** A Chinese purpose as a client sends it: percent-encoded UTF-8. */
const purpose = (text: string) => ({ [PURPOSE]: encodeURIComponent(text) });

type Json = Record<string, unknown>;

let serial = 0;
/** A caller number no other test uses. */
function newPhone(): string {
  serial += 1;
  return `1377${String(Date.now() % 10_000).padStart(4, '0')}${String(serial).padStart(3, '0')}`;
}
/** A caller name no other test uses. */
function newName(): string {
  serial += 1;
  return `欧阳${'甲乙丙丁戊己庚辛壬癸'[serial % 10] ?? '甲'}${serial}号`;
}

const LAMP = '安贞西里三区3号楼前的路灯坏了一个星期了，晚上很黑，老人出门不方便。';
const LAMP_AGAIN = '安贞西里三区3号楼前的路灯坏了一个星期了，晚上特别黑，老人出门不方便。';

describe('personal data: sealed at rest, hashed for lookups, every unmasked read logged', () => {
  let h: IntakeHarness;
  let callers: CallerData;

  beforeAll(async () => {
    // Small per-phone limits, so that one test reaches them.
    h = await startIntakeHarness({ ABUSE_PHONE_LIMIT: '2', ABUSE_IP_LIMIT: '50' });
    await seedReference(h);
    callers = h.sut.app.get(CallerData);
  }, TEST_TIMEOUT_MS);

  afterAll(async () => {
    await h?.close();
  }, TEST_TIMEOUT_MS);

  async function create(body: Json, caller: TokenClaims = operator): Promise<Json> {
    const res = await h.http('POST', '/tickets', caller, body);
    expect(res.status).toBe(201);
    return res.body;
  }

  const call = (name: string | null, phone: string | null, overrides: Json = {}): Json => ({
    requestType: 'complaint',
    categoryCode: 'city.facility.streetlight',
    content: LAMP,
    caller: { ...(name === null ? {} : { name }), ...(phone === null ? {} : { phone }) },
    ...overrides,
  });

  /** A ticket's row as PostgreSQL prints it: every column, the bytea ones in hex. */
  async function rawRow(table: 'ticket' | 'caller_flag', id: string): Promise<string> {
    const [row] = await h.prisma.$queryRawUnsafe<{ text: string }[]>(
      `SELECT r::text AS text FROM ${table} r WHERE id = $1::uuid`,
      id,
    );
    if (!row) throw new Error(`no ${table} ${id}`);
    return row.text;
  }

  const accessRows = (where: { ticketId?: string; callerFlagId?: string }) =>
    h.prisma.personalDataAccess.findMany({ where, orderBy: [{ at: 'asc' }, { id: 'asc' }] });

  /** A ticket dispatched by routing to a lead unit, as intake's status read model learns it. */
  async function dispatchedTo(unitId: string, caller: Json): Promise<Json> {
    const ticket = await create({ ...call(null, null), caller, triage: { outcome: 'dispatch' } });
    const id = ticket['id'] as string;
    const event = ticketDispatchedV1.schema.parse({
      ticketId: id,
      assignments: [{ assignmentId: randomUUID(), unitId, role: 'lead' }],
      rule: 'catalogue:city.facility.streetlight',
      catalogVersion: '2026.1',
      cycle: 1,
      dispatchedAt: new Date().toISOString(),
    });
    await h.processed(await h.produce('ticket.dispatched.v1', id, event));
    expect((await h.prisma.ticket.findUniqueOrThrow({ where: { id } })).leadUnitId).toBe(unitId);
    return ticket;
  }

  describe('at rest', () => {
    it(
      'stores no plain name or phone in any column; timeline and outbox carry neither',
      async () => {
        const name = newName();
        const phone = newPhone();
        const tickets = [
          await create(call(name, phone, { triage: { outcome: 'dispatch' } })),
          await create(
            call(name, phone, {
              content: '请问居住证怎么办理',
              triage: { outcome: 'direct', reply: '携带身份证到派出所办理。' },
            }),
          ),
          await create(
            call(name, phone, {
              content: '邻居家漏水到我家，要打官司',
              triage: { outcome: 'divert', reason: 'other-legal-channel' },
            }),
          ),
          // The same caller again: found by the phone's hash, then merged by an operator (ticket.merged).
          await create(call(name, phone, { content: LAMP_AGAIN })),
        ];
        const ids = tickets.map((t) => t['id'] as string);
        expect(tickets[3]?.['duplicateOf']).toMatchObject({ ticketId: ids[0], reason: 'same-caller' });
        const suggestions = await h.http('GET', '/duplicate-suggestions?pageSize=100', operator);
        const suggestion = (suggestions.body['items'] as Json[]).find(
          (s) => (s['ticket'] as Json)['id'] === ids[3],
        );
        expect(
          (await h.http('POST', `/duplicate-suggestions/${String(suggestion?.['id'])}/merge`, operator))
            .status,
        ).toBe(200);

        for (const id of ids) {
          const row = await rawRow('ticket', id);
          expect(row).not.toContain(phone);
          expect(row).not.toContain(name);
          const stored = await h.prisma.ticket.findUniqueOrThrow({ where: { id } });
          expect(stored).toMatchObject({
            callerName: null,
            callerPhone: null,
            callerPiiKeyId: 'dev1',
            callerPhoneHash: callers.hashPhone(phone),
          });
          expect(callers.open(stored)).toEqual({ name, phone });
        }
        const [timeline] = await h.prisma.$queryRaw<{ text: string }[]>`
          SELECT string_agg(detail::text, ' ') AS text FROM timeline_entry WHERE ticket_id = ANY(${ids}::uuid[])`;
        expect(timeline?.text).not.toContain(phone);
        const outbox = await h.prisma.$queryRaw<{ type: string; text: string }[]>`
          SELECT type, payload::text || ' ' || headers::text AS text FROM outbox_event WHERE key = ANY(${ids})`;
        expect(outbox.map((e) => e.type).sort()).toEqual([
          'ticket.closed-directly.v1',
          'ticket.diverted.v1',
          'ticket.merged.v1',
          'ticket.received.v1',
        ]);
        for (const event of outbox) {
          expect(event.text).not.toContain(phone);
          expect(event.text).not.toContain(name);
        }
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'counts and flags a phone by its hash: limits hold, and neither Redis nor caller_flag hold the number',
      async () => {
        const phone = newPhone();
        const submit = (content: string) =>
          h.http('POST', '/resident/tickets', resident('r-pii-1'), { content, caller: { phone } });
        expect((await submit('小区门口垃圾堆积多日无人清理')).status).toBe(201);
        expect((await submit('楼下饭店油烟扰民')).status).toBe(201);
        const refused = await submit('路口红绿灯不亮，车辆乱行');
        expect(refused.status).toBe(429);
        expect(refused.body['errors']).toEqual([expect.objectContaining({ field: 'caller.phone' })]);

        const hash = callers.hashPhone(phone);
        const [flag] = await h.prisma.callerFlag.findMany({ where: { subjectKind: 'phone', subject: hash } });
        expect(flag).toMatchObject({ reason: 'rate-phone', subjectKeyId: 'dev1' });
        expect(callers.openValue(flag?.subjectSealed ?? null, flag?.subjectKeyId ?? null)).toBe(phone);
        expect(await rawRow('caller_flag', flag?.id ?? '')).not.toContain(phone);

        const redis = h.sut.app.get(RedisConnection).client;
        const keys = await redis.keys(`${redis.options.keyPrefix ?? ''}*`);
        expect(keys.some((k) => k.includes(hash))).toBe(true);
        expect(keys.filter((k) => k.includes(phone))).toEqual([]);

        // Searching by the number finds it (by the hash); the list shows it masked.
        const list = await h.http('GET', `/caller-flags?subject=${phone}`, operator);
        expect(list.body['items']).toEqual([
          expect.objectContaining({ id: flag?.id, subject: `${phone.slice(0, 3)}****${phone.slice(7)}` }),
        ]);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'finds an operator’s search by phone through the hash, and shows the list masked',
      async () => {
        const phone = newPhone();
        await create(call(newName(), phone));
        const res = await h.http('GET', `/tickets?phone=${phone}`, operator);
        expect(res.body['total']).toBe(1);
        expect((res.body['items'] as Json[])[0]?.['caller']).toMatchObject({
          phone: `${phone.slice(0, 3)}****${phone.slice(7)}`,
        });
      },
      TEST_TIMEOUT_MS,
    );
  });

  describe('the access log', () => {
    it(
      'adds exactly one row per unmasked read, with reader, fields, purpose, route and request id',
      async () => {
        const name = newName();
        const phone = newPhone();
        const id = (await create(call(name, phone)))['id'] as string;
        expect(await accessRows({ ticketId: id })).toEqual([]);

        const seen = await h.http('GET', `/tickets/${id}`, operator, undefined, {
          ...purpose('回访前核实诉求人身份'),
          'x-request-id': 'req-pii-view-1',
        });
        expect(seen.status).toBe(200);
        expect(seen.body['caller']).toEqual({ name, phone, confidential: false });
        expect(await accessRows({ ticketId: id })).toEqual([
          expect.objectContaining({
            subject: 'operator-pii',
            role: 'operator',
            unitId: null,
            ticketId: id,
            callerFlagId: null,
            fields: ['caller.name', 'caller.phone'],
            purpose: '回访前核实诉求人身份',
            action: 'GET /tickets/:id',
            requestId: 'req-pii-view-1',
          }),
        ]);

        // Without a purpose the center's roles log the route's default.
        expect((await h.http('GET', `/tickets/${id}`, dispatcher)).status).toBe(200);
        const rows = await accessRows({ ticketId: id });
        expect(rows).toHaveLength(2);
        expect(rows[1]).toMatchObject({ role: 'dispatcher', purpose: 'ticket handling' });

        // A manager sees masked values and leaves no row; a bad purpose is refused before the read.
        const masked = await h.http('GET', `/tickets/${id}`, manager);
        expect(masked.body['caller']).toEqual({
          name: `${[...name][0] ?? ''}${'*'.repeat([...name].length - 1)}`,
          phone: `${phone.slice(0, 3)}****${phone.slice(7)}`,
          confidential: false,
        });
        const tooLong = await h.http('GET', `/tickets/${id}`, operator, undefined, {
          [PURPOSE]: 'x'.repeat(201),
        });
        expect(tooLong.status).toBe(400);
        expect(tooLong.body).toMatchObject({
          code: 'PRIVACY.PURPOSE_INVALID',
          errors: [expect.objectContaining({ field: PURPOSE })],
        });
        expect(await accessRows({ ticketId: id })).toHaveLength(2);

        // Nothing to disclose, nothing to log.
        const anonymous = (await create(call(null, null)))['id'] as string;
        expect((await h.http('GET', `/tickets/${anonymous}`, operator)).status).toBe(200);
        expect(await accessRows({ ticketId: anonymous })).toEqual([]);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'refuses the read when its row cannot be written: no unlogged disclosure',
      async () => {
        const phone = newPhone();
        const id = (await create(call(newName(), phone)))['id'] as string;
        await h.prisma.$executeRawUnsafe(
          `ALTER TABLE personal_data_access ADD CONSTRAINT pii_spec_refuse CHECK (purpose <> 'refuse-me')`,
        );
        try {
          const res = await h.http('GET', `/tickets/${id}`, operator, undefined, { [PURPOSE]: 'refuse-me' });
          expect(res.status).toBe(503);
          expect(res.body['code']).toBe('PRIVACY.ACCESS_NOT_LOGGED');
          expect(res.text).not.toContain(phone);
        } finally {
          await h.prisma.$executeRawUnsafe(
            `ALTER TABLE personal_data_access DROP CONSTRAINT pii_spec_refuse`,
          );
        }
        expect(await accessRows({ ticketId: id })).toEqual([]);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'is append-only: UPDATE, DELETE and TRUNCATE fail',
      async () => {
        const id = (await create(call(newName(), newPhone())))['id'] as string;
        expect((await h.http('GET', `/tickets/${id}`, operator)).status).toBe(200);
        for (const sql of [
          `UPDATE personal_data_access SET purpose = 'rewritten' WHERE ticket_id = '${id}'`,
          `DELETE FROM personal_data_access WHERE ticket_id = '${id}'`,
          'TRUNCATE personal_data_access',
        ]) {
          await expect(h.prisma.$executeRawUnsafe(sql)).rejects.toThrow(/append-only/);
        }
        expect(await accessRows({ ticketId: id })).toEqual([
          expect.objectContaining({ purpose: 'ticket handling' }),
        ]);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'logs a reviewer’s read of a flagged number; the list and managers see it masked',
      async () => {
        const phone = newPhone();
        for (const content of [
          '小区门口垃圾堆积多日无人清理',
          '楼下饭店油烟扰民',
          '路口红绿灯不亮，车辆乱行',
        ]) {
          await create({ content, caller: { phone } });
        }
        const [flag] = await h.prisma.callerFlag.findMany({ where: { subject: callers.hashPhone(phone) } });
        const url = `/caller-flags/${flag?.id ?? ''}`;
        const masked = await h.http('GET', url, manager);
        expect(masked.body).toMatchObject({
          subjectKind: 'phone',
          subject: `${phone.slice(0, 3)}****${phone.slice(7)}`,
        });
        expect(await accessRows({ callerFlagId: flag?.id ?? '' })).toEqual([]);

        const seen = await h.http('GET', url, operator, undefined, purpose('核查恶意来电'));
        expect(seen.status).toBe(200);
        expect(seen.body).toMatchObject({ id: flag?.id, subject: phone, reason: 'rate-phone' });
        expect(await accessRows({ callerFlagId: flag?.id ?? '' })).toEqual([
          expect.objectContaining({
            role: 'operator',
            ticketId: null,
            fields: ['subject'],
            purpose: '核查恶意来电',
            action: 'GET /caller-flags/:id',
          }),
        ]);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'lists reads for admins only, newest first, filtered, in keyset pages',
      async () => {
        const id = (await create(call(newName(), newPhone())))['id'] as string;
        for (const text of ['第一次查看', '第二次查看', '第三次查看']) {
          expect((await h.http('GET', `/tickets/${id}`, operator, undefined, purpose(text))).status).toBe(
            200,
          );
        }
        const purposes: string[] = [];
        let cursor: string | null = null;
        do {
          const page: HttpResponse = await h.http(
            'GET',
            `/personal-data-access?ticketId=${id}&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`,
            admin,
          );
          expect(page.status).toBe(200);
          purposes.push(...(page.body['items'] as Json[]).map((i) => i['purpose'] as string));
          cursor = page.body['nextCursor'] as string | null;
        } while (cursor !== null);
        expect(purposes).toEqual(['第三次查看', '第二次查看', '第一次查看']);

        const bySubject = await h.http('GET', `/personal-data-access?subject=operator-pii&limit=200`, admin);
        expect((bySubject.body['items'] as Json[]).every((i) => i['subject'] === 'operator-pii')).toBe(true);
        const future = await h.http('GET', `/personal-data-access?from=2099-01-01T00:00:00Z`, admin);
        expect(future.body).toEqual({ items: [], nextCursor: null });
        const badCursor = await h.http('GET', '/personal-data-access?cursor=not-a-cursor', admin);
        expect(badCursor.status).toBe(400);
        expect(badCursor.body['errors']).toEqual([expect.objectContaining({ field: 'cursor' })]);
        expect((await h.http('GET', '/personal-data-access', operator)).status).toBe(403);
        expect((await h.http('GET', '/personal-data-access', manager)).status).toBe(403);
      },
      TEST_TIMEOUT_MS,
    );
  });

  describe('units reach the resident only for their own work', () => {
    it(
      'gives the lead unit the contact with a purpose, logged; others get 404, and a purpose is required',
      async () => {
        const name = newName();
        const phone = newPhone();
        const ticket = await dispatchedTo(UNITS.anzhen.id, { name, phone });
        const url = `/tickets/${ticket['id'] as string}/contact`;

        const missing = await h.http('GET', url, anzhenStaff);
        expect(missing.status).toBe(400);
        expect(missing.body).toMatchObject({
          code: 'PRIVACY.PURPOSE_REQUIRED',
          errors: [expect.objectContaining({ field: PURPOSE })],
        });

        const res = await h.http('GET', url, anzhenStaff, undefined, purpose('联系诉求人核实路灯位置'));
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          ticketId: ticket['id'],
          number: ticket['number'],
          caller: { name, phone },
        });
        expect(await accessRows({ ticketId: ticket['id'] as string })).toEqual([
          expect.objectContaining({
            subject: 'staff-anzhen-1',
            role: 'unit_staff',
            unitId: UNITS.anzhen.id,
            fields: ['caller.name', 'caller.phone'],
            purpose: '联系诉求人核实路灯位置',
            action: 'GET /tickets/:id/contact',
          }),
        ]);

        // Another unit cannot tell the ticket from one that does not exist.
        const other = await h.http('GET', url, otherUnitStaff, undefined, purpose('核实'));
        const none = await h.http(
          'GET',
          `/tickets/${randomUUID()}/contact`,
          otherUnitStaff,
          undefined,
          purpose('核实'),
        );
        expect(other.status).toBe(404);
        expect(none.status).toBe(404);
        expect(other.body['code']).toBe(none.body['code']);
        expect(other.text).not.toContain(phone);
        // Units have no ticket view; managers no contact route.
        expect((await h.http('GET', `/tickets/${ticket['id'] as string}`, anzhenStaff)).status).toBe(403);
        expect((await h.http('GET', url, manager, undefined, purpose('核实'))).status).toBe(403);
        expect(await accessRows({ ticketId: ticket['id'] as string })).toHaveLength(1);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'hides a confidential ticket’s caller from its own unit (403): the hotline reaches the resident',
      async () => {
        const ticket = await dispatchedTo(UNITS.anzhen.id, {
          name: newName(),
          phone: newPhone(),
          confidential: true,
        });
        const res = await h.http(
          'GET',
          `/tickets/${ticket['id'] as string}/contact`,
          anzhenStaff,
          undefined,
          purpose('联系诉求人'),
        );
        expect(res.status).toBe(403);
        expect(res.body['code']).toBe('INTAKE.CALLER_CONFIDENTIAL');
        expect(await accessRows({ ticketId: ticket['id'] as string })).toEqual([]);
      },
      TEST_TIMEOUT_MS,
    );
  });

  // Last: after the rotation the service's own key set no longer opens the rows.
  describe('pii-rekey', () => {
    it(
      'seals rows from before sealing, reseals under a new active key, and finds nothing more to do',
      async () => {
        const legacy = [
          { name: '张三', phone: '13800000001' },
          { name: '李四', phone: '13800000002' },
          { name: null, phone: '13800000003' },
        ];
        const legacyIds: string[] = [];
        for (const [i, caller] of legacy.entries()) {
          const id = randomUUID();
          legacyIds.push(id);
          await h.prisma.ticket.create({
            data: {
              id,
              number: `20261121${String(900_000 + i).padStart(6, '0')}`,
              channel: 'hotline',
              requestType: 'complaint',
              urgency: 'general',
              content: '楼下工地夜间施工，噪音扰民',
              callerName: caller.name,
              callerPhone: caller.phone,
              status: 'pending',
              createdAt: new Date(),
              updatedAt: new Date(),
            },
          });
        }
        const legacyFlag = await h.prisma.callerFlag.create({
          data: {
            id: randomUUID(),
            subjectKind: 'phone',
            subject: '13800000001',
            reason: 'rate-phone',
            status: 'open',
            firstAt: new Date(),
            lastAt: new Date(),
          },
        });
        // Reads work before the rekey: the plain columns are read as they are.
        const before = await h.http('GET', `/tickets/${legacyIds[0] ?? ''}`, operator);
        expect(before.body['caller']).toMatchObject({ name: '张三', phone: '13800000001' });

        const dev = h.sut.config.PII_ENCRYPTION_KEYS;
        const rekey = (keys: ReadonlyMap<string, Buffer>, active: string) => {
          const cipher = new PersonalDataCipher({
            keys,
            activeKeyId: active,
            hashKey: h.sut.config.PII_HASH_KEY,
          });
          return { cipher, sut: new PiiRekey(new PiiRekeyRepository(h.prisma), new CallerData(cipher)) };
        };

        const first = await rekey(dev, 'dev1').sut.run(2);
        expect(first).toEqual({
          tickets: { sealed: 3, resealed: 0 },
          callerFlags: { sealed: 1, resealed: 0 },
        });
        for (const [i, id] of legacyIds.entries()) {
          const row = await h.prisma.ticket.findUniqueOrThrow({ where: { id } });
          expect(row).toMatchObject({
            callerName: null,
            callerPhone: null,
            callerPiiKeyId: 'dev1',
            callerPhoneHash: callers.hashPhone(legacy[i]?.phone ?? ''),
          });
          expect(await rawRow('ticket', id)).not.toContain(legacy[i]?.phone ?? '');
          expect(callers.open(row)).toEqual(legacy[i]);
        }
        const flag = await h.prisma.callerFlag.findUniqueOrThrow({ where: { id: legacyFlag.id } });
        expect(flag).toMatchObject({ subject: callers.hashPhone('13800000001'), subjectKeyId: 'dev1' });
        expect(callers.openValue(flag.subjectSealed, flag.subjectKeyId)).toBe('13800000001');
        // The same caller is now found by the hash.
        const found = await h.http('GET', '/tickets?phone=13800000001', operator);
        expect((found.body['items'] as Json[]).map((t) => t['id'])).toContain(legacyIds[0]);

        // Rotation: a new key becomes active; the old one stays until every row is resealed.
        const rotated = new Map([...dev, ['k2', randomBytes(32)]]);
        const sealedTickets = await h.prisma.ticket.count({ where: { callerPiiKeyId: { not: null } } });
        const phoneFlags = await h.prisma.callerFlag.count({ where: { subjectKind: 'phone' } });
        const { cipher, sut } = rekey(rotated, 'k2');
        expect(await sut.run(3)).toEqual({
          tickets: { sealed: 0, resealed: sealedTickets },
          callerFlags: { sealed: 0, resealed: phoneFlags },
        });
        const keyIds = await h.prisma.$queryRaw<{ key: string | null }[]>`
          SELECT DISTINCT caller_pii_key_id AS key FROM ticket
          UNION SELECT DISTINCT subject_key_id FROM caller_flag WHERE subject_kind = 'phone'`;
        expect(keyIds.map((k) => k.key).filter((k) => k !== null)).toEqual(['k2']);
        const resealed = await h.prisma.ticket.findUniqueOrThrow({ where: { id: legacyIds[1] ?? '' } });
        expect(new CallerData(cipher).open(resealed)).toEqual(legacy[1]);
        expect(resealed.callerPhoneHash).toBe(callers.hashPhone('13800000002'));

        // Again, through the command: nothing left to do.
        const config = { ...h.sut.config, PII_ENCRYPTION_KEYS: rotated, PII_ACTIVE_KEY_ID: 'k2' };
        const writes = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
        try {
          expect(await privacyCommands()['pii-rekey']?.(config, ['--batch-size', '50'])).toBe(0);
          expect(String(writes.mock.calls.at(-1)?.[0])).toContain(
            'tickets 0 sealed, 0 resealed; caller flags 0 sealed, 0 resealed',
          );
        } finally {
          writes.mockRestore();
        }
        expect(await sut.run(10)).toEqual({
          tickets: { sealed: 0, resealed: 0 },
          callerFlags: { sealed: 0, resealed: 0 },
        });
      },
      TEST_TIMEOUT_MS,
    );
  });
});
