import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { REFERENCE_KINDS } from '@jsjb/contracts';
import {
  type DirectoryArea,
  type DirectoryCategory,
  type DirectoryContent,
  DirectoryIndex,
  type DirectoryUnit,
  type Escalation,
  type ReferenceKind,
  type UnitClass,
} from './units.domain';
import type { UnitsRepository } from './units.repository';

/** After this instance applied a version: how often, and how long, it looks for the commit. */
const COMMIT_POLL_MS = 20;
const COMMIT_WAIT_MS = 10_000;

/**
 * The unit directory, area and category names in force, in memory for synchronous lookups
 * (escalation targets, assessment classes, hot-spot names). Loaded at boot before anything that
 * injects it is built; reloaded when this instance applied a version's last part (once the consumer's
 * transaction shows committed) and on a regular poll of the stored versions (another instance may
 * own the reference partition). A kind is reloaded only when no later version is half applied.
 */
export class UnitDirectory implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(UnitDirectory.name);
  private index = DirectoryIndex.empty();
  private serial: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly awaited = new Map<ReferenceKind, string>();
  private watching: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly repository: UnitsRepository,
    private readonly pollMs: number,
  ) {}

  async start(): Promise<this> {
    await this.repository.assertReachable();
    for (const kind of REFERENCE_KINDS) this.install((await this.repository.load(kind)).content);
    this.logger.log(`reference data in force: ${this.describe()}`);
    return this;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.refreshLogged(), this.pollMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.watching;
    await this.serial.catch(() => undefined);
  }

  /** The 催办/督办 target of a unit: itself, its head unit (a street's or a district department's district government; null for city departments, utilities, unknown units) and its district code. */
  escalation(unitId: string): Escalation {
    return this.index.escalation(unitId);
  }

  /** 街乡 'street' | 区 'district' (district government and district-level departments) | 市级部门 'city-department' | 企业 'enterprise' (utilities); null when unknown. */
  classOf(unitId: string): UnitClass | null {
    return this.index.classOf(unitId);
  }

  unit(unitId: string): DirectoryUnit | undefined {
    return this.index.unit(unitId);
  }

  /** Every unit in force. */
  units(): DirectoryUnit[] {
    return [...this.index.units()];
  }

  area(code: string): DirectoryArea | undefined {
    return this.index.area(code);
  }

  category(code: string): DirectoryCategory | undefined {
    return this.index.category(code);
  }

  version(kind: ReferenceKind): string | null {
    return this.index.version(kind);
  }

  /** Reloads each kind whose stored version differs from the one in memory; returns those reloaded. */
  refresh(): Promise<ReferenceKind[]> {
    return this.exclusive(async () => {
      const states = await this.repository.versionStates();
      const reloaded: ReferenceKind[] = [];
      for (const kind of REFERENCE_KINDS) {
        const state = states.get(kind);
        if (!state || state.pending !== null || state.version === this.index.version(kind)) continue;
        const loaded = await this.repository.load(kind);
        if (loaded.state.pending !== null) continue; // a newer version started meanwhile: wait for it
        this.install(loaded.content);
        reloaded.push(kind);
      }
      if (reloaded.length > 0)
        this.logger.log(`reference data reloaded (${reloaded.join(', ')}): ${this.describe()}`);
      return reloaded;
    });
  }

  /** The consumer applied `version`'s last part in a transaction not yet committed: reload once it shows. */
  versionApplied(kind: ReferenceKind, version: string): void {
    this.awaited.set(kind, version);
    this.watching ??= this.watchCommits().finally(() => {
      this.watching = undefined;
    });
  }

  private install(content: DirectoryContent): void {
    this.index = this.index.with(content);
  }

  private async watchCommits(): Promise<void> {
    const deadline = Date.now() + COMMIT_WAIT_MS;
    while (this.awaited.size > 0 && !this.closed && Date.now() < deadline) {
      const reloaded = await this.refreshLogged();
      for (const [kind, version] of this.awaited) {
        if (reloaded.includes(kind) || this.index.version(kind) === version) this.awaited.delete(kind);
      }
      if (this.awaited.size > 0) await new Promise((resolve) => setTimeout(resolve, COMMIT_POLL_MS));
    }
    this.awaited.clear();
  }

  private async refreshLogged(): Promise<ReferenceKind[]> {
    if (this.closed) return [];
    try {
      return await this.refresh();
    } catch (error) {
      this.logger.warn(`reference reload failed: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.serial.then(work, work);
    this.serial = run.catch(() => undefined);
    return run;
  }

  private describe(): string {
    return REFERENCE_KINDS.map(
      (kind) => `${kind} ${this.index.version(kind) ?? '(none)'} (${this.index.count(kind)})`,
    ).join(', ');
  }
}
