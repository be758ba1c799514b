// The operations console in a real browser (Playwright driving Debian's Chromium, no browser
// download) against a whole stack started as `npm start` starts it: an operator records a call
// with live classification, the street's staff sign, reach the resident and reply in their inbox,
// the 回访 is answered, and the manager sees the street's figures change. The dispatcher's view
// loads its queues. Screenshots of each view go to test-results/console/.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { planConsolePort } from '../../dev/config.ts';
import { findWorkspaceRoot } from '../../dev/workspace.ts';
import { startSystem, type SystemStack } from '../system/system-stack.ts';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARTIFACTS = join(findWorkspaceRoot(), 'test-results', 'console');
const STREET = '110105001';
const STREET_UNIT = `street-${STREET}`;
const DAY = 24 * 3600_000;
const CONTENT = '楼下广场舞每天晚上十点以后还在放音乐，音响声音很大，影响休息。';

type Json = Record<string, unknown>;

describe('the operations console in Chromium', () => {
  let system: SystemStack;
  let browser: Browser;
  let consoleUrl: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    system = await startSystem();
    consoleUrl = `http://127.0.0.1:${planConsolePort(system.portBase)}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  }, 90_000);

  async function signIn(role: string, fields: Record<string, string> = {}): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    await page.goto(consoleUrl);
    await page.getByLabel('角色').selectOption(role);
    for (const [label, value] of Object.entries(fields)) await page.getByLabel(label).fill(value);
    await page.getByRole('button', { name: '登录' }).click();
    return page;
  }

  it('loads its page in under 2 s', async () => {
    const page = await browser.newPage();
    const started = Date.now();
    await page.goto(consoleUrl, { waitUntil: 'load' });
    await page.getByRole('button', { name: '登录' }).waitFor();
    expect(Date.now() - started).toBeLessThan(2000);
    await page.close();
  });

  it('operator records, the unit signs and replies, the manager sees the rates change', async () => {
    const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
    const rates = async (): Promise<Json | undefined> => {
      const res = await system.http('sla', 'GET', `/assessment/rates?month=${month}&unitClass=street`, {
        role: 'manager',
        sub: 'm',
      });
      return ((res.body['units'] as Json[] | undefined) ?? []).find((u) => u['unitId'] === STREET_UNIT);
    };

    // The manager's table before: the street has no orders.
    const manager = await signIn('manager');
    const row = manager.locator(`tr[data-unit="${STREET_UNIT}"]`);
    await row.waitFor();
    expect(await row.locator('td').nth(2).textContent()).toBe('0');

    // The operator: the classifier suggests as they type; the call is recorded and dispatched.
    const operator = await signIn('operator');
    await operator.getByLabel('诉求内容').fill(CONTENT);
    await operator.getByTestId('classification').waitFor();
    await operator.getByRole('button', { name: '采用' }).click();
    await operator.getByLabel('来电人').fill('王女士');
    await operator.getByLabel('联系电话').fill('13900139000');
    await operator.getByLabel('社区编码').fill(`${STREET}001`);
    await operator.getByLabel('详细地址').fill('小区南门');
    await system.until('intake to know the territory', async () => {
      await operator.getByRole('button', { name: '登记并派单' }).click();
      const text = await operator
        .locator('[data-testid="created"], .error')
        .first()
        .textContent({ timeout: 10_000 });
      return text?.startsWith('已登记工单') ? text : undefined;
    });
    const number = /已登记工单 (\d+)/.exec((await operator.getByTestId('created').textContent()) ?? '')?.[1];
    expect(number).toBeDefined();
    await operator.screenshot({ path: join(ARTIFACTS, 'operator.png'), fullPage: true });

    // The street's staff: the order appears in the inbox with its time left; sign, contact, reply.
    const unit = await signIn('unit_staff', { 单位编号: STREET_UNIT });
    await system.until('the order in the inbox', async () => {
      await unit.getByRole('button', { name: '刷新' }).click();
      return (await unit.getByRole('button', { name: number ?? '' }).count()) > 0 ? true : undefined;
    });
    await unit.getByRole('button', { name: number ?? '' }).click();
    // Soonest deadline first, with the time left to sign (签收时限).
    const order = unit.locator('tr', { has: unit.getByRole('button', { name: number ?? '' }) });
    expect(await order.locator('td').nth(3).textContent()).toMatch(/^签收时限 /);
    expect(await order.locator('td').nth(4).textContent()).toMatch(/小时|分钟|天/);
    await unit.screenshot({ path: join(ARTIFACTS, 'unit.png'), fullPage: true });
    await unit.getByRole('button', { name: '签收', exact: true }).click();
    await unit.getByText(`签收 · ${number} · 已完成`).waitFor();
    await unit.getByRole('button', { name: '联系诉求人' }).click();
    await unit.getByLabel('说明').fill('已电话联系诉求人，约定上门查看。');
    await unit.getByRole('button', { name: '提交' }).click();
    await unit.getByText(`联系诉求人 · ${number} · 已完成`).waitFor();
    await unit.getByRole('button', { name: '答复' }).click();
    await unit.getByLabel('答复内容').fill('已与广场舞队协商，活动时间调整为晚上九点前结束。');
    await unit.getByRole('button', { name: '提交' }).click();
    await unit.getByText(`答复 · ${number} · 已完成`).waitFor();

    // Past the reply deadline, the 回访: the resident is satisfied.
    await system.advance(8 * DAY);
    const agent = { role: 'callback_agent' as const, sub: 'agent-console' };
    const staff = { role: 'unit_staff' as const, sub: 'staff-console', unit: STREET_UNIT };
    const ticket = await system.until('the replied order', async () => {
      const res = await system.http('routing', 'GET', '/assignments?status=replied', staff);
      return ((res.body['items'] as Json[] | undefined) ?? []).find((a) => a['number'] === number);
    });
    const task = await system.until('the 回访 task', async () => {
      const res = await system.http('sla', 'GET', `/callbacks?ticketId=${String(ticket['ticketId'])}`, agent);
      return ((res.body['items'] as Json[] | undefined) ?? [])[0];
    });
    expect((await system.http('sla', 'POST', `/callbacks/${String(task['id'])}/claim`, agent)).status).toBe(
      200,
    );
    const answer = await system.http('sla', 'POST', `/callbacks/${String(task['id'])}/answers`, agent, {
      contacted: true,
      resolved: true,
      satisfaction: 'satisfied',
    });
    expect(answer.status).toBe(201);
    await system.until('the rating counted', async () => {
      const r = await rates();
      return r?.['satisfactionRate'] === 1 ? r : undefined;
    });

    // The manager's table now: one order, every rate 100 %.
    await manager.getByRole('button', { name: '刷新' }).first().click();
    await system.until('the manager to see the new figures', async () => {
      const cells = await row.locator('td').allTextContents();
      return cells[2] === '1' && cells[5] === '100.0%' ? cells : undefined;
    });
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(2, 6)).toEqual(['1', '100.0%', '100.0%', '100.0%']);
    await manager.screenshot({ path: join(ARTIFACTS, 'manager.png'), fullPage: true });

    // In English, on a tablet.
    await manager.setViewportSize({ width: 768, height: 1024 });
    await manager.getByRole('button', { name: 'English' }).click();
    await manager.getByRole('heading', { name: /Rates/ }).waitFor();
    await manager.screenshot({ path: join(ARTIFACTS, 'manager-en-tablet.png'), fullPage: true });
  }, 240_000);

  it('the dispatcher sees the manual-dispatch queue and the returns to review', async () => {
    const page = await signIn('dispatcher');
    await page.getByRole('heading', { name: /人工派单/ }).waitFor();
    await page.getByRole('heading', { name: /退单审核/ }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'dispatcher.png'), fullPage: true });
  }, 60_000);

  it('is usable from the keyboard: the login form is reached and submitted with Tab and Enter', async () => {
    const page = await browser.newPage();
    await page.goto(consoleUrl);
    await page.getByLabel('角色').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.type('kb-operator');
    await page.keyboard.press('Enter');
    await page.getByLabel('诉求内容').waitFor();
    await page.close();
  });
});
