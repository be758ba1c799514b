-- The relay claims, per key, only the oldest unsent event: this index answers that check.
-- CreateIndex
CREATE INDEX "outbox_event_key_seq_idx" ON "outbox_event"("key", "seq");
