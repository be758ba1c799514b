import { BaseRpcContext } from '@nestjs/microservices';
import type { EventEnvelope } from '../cloud-events';

type EventContextArgs<Tx> = [
  tx: Tx,
  envelope: EventEnvelope,
  topic: string,
  partition: number,
  offset: string,
];

/**
 * What an `@EventPattern` handler gets as `@Ctx()`: the database transaction its effects must
 * use (the event id is recorded in the inbox in that same transaction, so a redelivered event
 * is a no-op), and where the event came from.
 */
export class EventContext<Tx = unknown> extends BaseRpcContext<EventContextArgs<Tx>> {
  /** The open transaction: write the handler's effects through it, never through another client. */
  get tx(): Tx {
    return this.args[0];
  }
  get envelope(): EventEnvelope {
    return this.args[1];
  }
  get topic(): string {
    return this.args[2];
  }
  get partition(): number {
    return this.args[3];
  }
  get offset(): string {
    return this.args[4];
  }
}
