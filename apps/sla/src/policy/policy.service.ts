import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AppError, auditNote, Clock } from '@jsjb/platform';
import {
  DEFAULT_POLICY_EFFECTIVE_FROM,
  DEFAULT_POLICY_VERSION,
  defaultPolicyDocument,
  type MatchedRule,
  Policy,
  policyDocumentSchema,
  PolicyHistory,
  type PolicySubject,
} from './policy.domain';
import type { NewPolicy } from './policy.dto';
import { PolicyRepository, type StoredPolicyVersion } from './policy.repository';

/**
 * The policy versions, in memory: the default DB11/T version is stored at first boot; a new
 * version is added through the API and takes effect at its `effectiveFrom` for clocks started
 * from then on (running clocks keep the version they started with).
 */
@Injectable()
export class PolicyService implements OnModuleInit {
  private readonly logger = new Logger(PolicyService.name);
  private history = new PolicyHistory([]);
  private stored: StoredPolicyVersion[] = [];

  constructor(
    private readonly repository: PolicyRepository,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    if (
      await this.repository.insert({
        version: DEFAULT_POLICY_VERSION,
        description: 'DB11/T 2021-2022 时限（24×7 自然时间）',
        effectiveFrom: DEFAULT_POLICY_EFFECTIVE_FROM,
        document: defaultPolicyDocument(),
        createdBy: 'system',
      })
    )
      this.logger.log(`stored the default policy ${DEFAULT_POLICY_VERSION}`);
    await this.reload();
  }

  /** Reads the stored versions again (another instance may have added one). */
  async reload(): Promise<void> {
    this.stored = await this.repository.all();
    this.history = new PolicyHistory(
      this.stored.map((s) => new Policy(s.version, s.effectiveFrom, policyDocumentSchema.parse(s.document))),
    );
  }

  /** The version in force at `at`. */
  at(at: Date): Policy {
    const policy = this.history.at(at) ?? this.history.all()[0];
    if (!policy) throw new Error('no policy version is stored');
    return policy;
  }

  /** The version by name (a clock's own), or the one in force when it is gone. */
  version(version: string, fallbackAt: Date): Policy {
    return this.history.all().find((p) => p.version === version) ?? this.at(fallbackAt);
  }

  match(subject: PolicySubject, at: Date = this.clock.now()): MatchedRule {
    return this.at(at).match(subject);
  }

  list(): StoredPolicyVersion[] {
    return this.stored;
  }

  get(version: string): StoredPolicyVersion {
    const found = this.stored.find((s) => s.version === version);
    if (!found)
      throw new AppError('SLA.POLICY_NOT_FOUND', `No policy version ${version}`, {
        status: 404,
        title: 'Not Found',
      });
    return found;
  }

  async add(input: NewPolicy, by: string): Promise<StoredPolicyVersion> {
    await this.reload();
    if (this.stored.some((s) => s.version === input.version)) throw versionTaken(input.version);
    const effectiveFrom = new Date(input.effectiveFrom);
    auditNote({ before: { versionInForce: this.history.at(effectiveFrom)?.version ?? null } });
    if (effectiveFrom.getTime() < this.clock.now().getTime() - 60_000)
      throw new AppError(
        'SLA.POLICY_IN_THE_PAST',
        'A new version cannot take effect in the past: running clocks keep theirs.',
        {
          status: 422,
          title: 'Unprocessable Entity',
          errors: [{ field: 'effectiveFrom', code: 'in_the_past', message: 'must not be before now' }],
        },
      );
    const stored = await this.repository.insert({
      version: input.version,
      description: input.description,
      effectiveFrom,
      document: input.document,
      createdBy: by,
    });
    if (!stored) throw versionTaken(input.version);
    await this.reload();
    return this.get(input.version);
  }
}

function versionTaken(version: string): AppError {
  return new AppError(
    'SLA.POLICY_VERSION_EXISTS',
    `Policy version ${version} exists; versions are never changed`,
    {
      status: 409,
      title: 'Conflict',
      errors: [{ field: 'version', code: 'taken', message: 'choose a new version name' }],
    },
  );
}
