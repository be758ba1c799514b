import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { REFERENCE_KINDS } from '@jsjb/contracts';
import {
  type AreaLevel,
  type LocationCodeIssue,
  type LocationCodes,
  type ReferenceArea,
  type ReferenceCatalogueItem,
  type ReferenceContent,
  ReferenceIndex,
  type ReferenceKind,
  type ReferenceUnit,
} from './reference.domain';
import { type ReferenceRepository } from './reference.repository';

/** How often every instance looks for versions applied by another (one query of three rows). */
export const REFERENCE_POLL_MS = 1000;
/** After this instance applied a version: how often, and how long, it looks for the commit. */
const COMMIT_POLL_MS = 20;
const COMMIT_WAIT_MS = 10_000;

/** Told the catalogue in force after it changed (a new version was loaded). */
export type CatalogueListener = (items: readonly ReferenceCatalogueItem[], version: string | null) => void;

/**
 * Intake's reference data in force — territory, units, dispatch catalogue as routing published them —
 * in memory for synchronous lookups (validation, classification, Open311 services).
 *
 * Loaded from the database at boot, before anything that injects it is built. The consumer writes
 * versions in its transaction, which has no commit hook: after a version's last part it calls
 * `versionApplied`, and this instance reloads that kind as soon as the database shows it. Every
 * instance also polls the stored versions (REFERENCE_POLL_MS), since only the one that owns the
 * partition consumes the events. A kind is reloaded only when no later version is half applied, so
 * its rows are those of the version they are labelled with.
 */
export class ReferenceReadModel implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReferenceReadModel.name);
  private index = ReferenceIndex.empty();
  private readonly listeners = new Set<CatalogueListener>();
  /** Reloads run one at a time. */
  private serial: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  /** Versions this instance applied and has not seen committed yet. */
  private readonly awaited = new Map<ReferenceKind, string>();
  private watching: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly repository: ReferenceRepository) {}

  /** Boot: every kind as stored, half-applied versions included (their last parts are on the way). */
  async start(): Promise<this> {
    await this.repository.assertReachable();
    for (const kind of REFERENCE_KINDS) {
      const { state, content } = await this.repository.load(kind);
      if (state.pending !== null) {
        this.logger.warn(
          `${kind} ${state.pending} is half applied (${state.pendingParts} part(s)); its remaining parts will complete it`,
        );
      }
      this.install(content);
    }
    this.logger.log(`reference data in force: ${this.describe()}`);
    return this;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.refreshLogged(), REFERENCE_POLL_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.watching;
    await this.serial.catch(() => undefined);
  }

  /**
   * Reloads each kind whose stored version differs from the one in memory (and has no later version
   * half applied). Returns the kinds reloaded.
   */
  refresh(): Promise<ReferenceKind[]> {
    return this.exclusive(async () => {
      const states = await this.repository.versionStates();
      const stale = REFERENCE_KINDS.filter((kind) => {
        const state = states.get(kind);
        return state !== undefined && state.pending === null && state.version !== this.index.version(kind);
      });
      const reloaded: ReferenceKind[] = [];
      for (const kind of stale) {
        const { state, content } = await this.repository.load(kind);
        if (state.pending !== null) continue; // a newer version started meanwhile: wait for it
        this.install(content);
        reloaded.push(kind);
      }
      if (reloaded.length > 0)
        this.logger.log(`reference data reloaded (${reloaded.join(', ')}): ${this.describe()}`);
      return reloaded;
    });
  }

  /**
   * The consumer applied the last part of `version` of `kind` in a transaction not yet committed:
   * reload as soon as the database shows it (or give up after a while: the transaction may roll
   * back, and the regular poll still runs).
   */
  versionApplied(kind: ReferenceKind, version: string): void {
    this.awaited.set(kind, version);
    this.watching ??= this.watchCommits().finally(() => {
      this.watching = undefined;
    });
  }

  /** Called with the catalogue after each new catalogue version is loaded; returns an unsubscribe function. */
  onCatalogueChanged(listener: CatalogueListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The whole reference data in force: use it when several lookups must see one version. */
  current(): ReferenceIndex {
    return this.index;
  }

  version(kind: ReferenceKind): string | null {
    return this.index.version(kind);
  }

  count(kind: ReferenceKind): number {
    return this.index.count(kind);
  }

  area(code: string): ReferenceArea | undefined {
    return this.index.area(code);
  }

  /** The area of `level` that contains (or is) `code`, e.g. the district of a street. */
  ancestor(code: string, level: AreaLevel): ReferenceArea | undefined {
    return this.index.ancestor(code, level);
  }

  /** Unknown codes, codes of the wrong level, and codes not within the larger area given. */
  checkLocationCodes(codes: LocationCodes, fieldPrefix = ''): LocationCodeIssue[] {
    return this.index.checkLocationCodes(codes, fieldPrefix);
  }

  unit(id: string): ReferenceUnit | undefined {
    return this.index.unit(id);
  }

  unitName(id: string): string | undefined {
    return this.index.unitName(id);
  }

  catalogueItem(code: string): ReferenceCatalogueItem | undefined {
    return this.index.catalogueItem(code);
  }

  catalogueItems(): readonly ReferenceCatalogueItem[] {
    return this.index.catalogueItems();
  }

  private install(content: ReferenceContent): void {
    this.index = this.index.with(content);
    if (content.kind !== 'catalogue') return;
    const items = this.index.catalogueItems();
    for (const listener of this.listeners) {
      try {
        listener(items, content.version);
      } catch (error) {
        this.logger.error(
          `a catalogue listener failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }

  private async watchCommits(): Promise<void> {
    const deadline = Date.now() + COMMIT_WAIT_MS;
    while (this.awaited.size > 0 && !this.closed && Date.now() < deadline) {
      const reloaded = await this.refreshLogged();
      for (const [kind, version] of this.awaited) {
        // Reloaded at all (perhaps already at a later version), or at this version: done.
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
      (kind) => `${kind} ${this.version(kind) ?? '(none)'} (${this.count(kind)})`,
    ).join(', ');
  }
}
