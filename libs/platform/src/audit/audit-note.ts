import { AsyncLocalStorage } from 'node:async_hooks';

/** One value of an audit summary: identifiers, statuses, versions, counts, times — never free text. */
export type AuditValue = string | number | boolean | null | readonly string[];

/** A flat summary of a resource's state, as the audit trail stores it in `before` / `after`. */
export type AuditSummary = Readonly<Record<string, AuditValue>>;

/** Who acted, for a route without a bearer token (e.g. an Open311 client identified by its api_key). */
export interface AuditActor {
  subject: string;
  role: string;
  unitId?: string | null;
}

/**
 * What a handler adds to the audit row of the request it serves. Summaries must hold no personal
 * data (no names, phone numbers, addresses, free text): ids, statuses, versions, counts, times.
 */
export interface AuditNote {
  /** The state before the change, as read inside the handler (e.g. the locked row). */
  before?: AuditSummary;
  /** Merged over the summary of the response body; dropped when the request fails. */
  after?: AuditSummary;
  /** Merged over the route parameters (e.g. the ticket an assignment belongs to). */
  resourceIds?: Readonly<Record<string, string>>;
  actor?: AuditActor;
}

/** The notes taken while one request is handled. */
export class AuditNotes {
  before: Record<string, AuditValue> | undefined;
  after: Record<string, AuditValue> | undefined;
  resourceIds: Record<string, string> = {};
  actor: AuditActor | undefined;

  add(note: AuditNote): void {
    if (note.before) this.before = { ...this.before, ...note.before };
    if (note.after) this.after = { ...this.after, ...note.after };
    if (note.resourceIds) Object.assign(this.resourceIds, note.resourceIds);
    if (note.actor) this.actor = note.actor;
  }
}

const scope = new AsyncLocalStorage<AuditNotes>();

/** Runs `work` (a request's handler) with `notes` as the target of {@link auditNote}. */
export function withAuditNotes<T>(notes: AuditNotes, work: () => T): T {
  return scope.run(notes, work);
}

/**
 * Adds a before/after summary (or resource ids, or the actor of a public route) to the audit row of
 * the HTTP request being handled, from anywhere in its call chain (controller, service, inside a
 * transaction). Outside an audited request (a GET, a Kafka consumer, a timer) it does nothing, so a
 * service shared with event handlers can call it unconditionally.
 */
export function auditNote(note: AuditNote): void {
  scope.getStore()?.add(note);
}
