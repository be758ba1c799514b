-- Personal data at rest (issue 7, part 3): callers' names and phone numbers sealed with AES-256-GCM
-- by the service (the keys never reach the database), phones looked up by a keyed hash. The plain
-- columns stay for rows written before this migration until `pii-rekey` seals them.

-- AlterTable
ALTER TABLE "ticket" ADD COLUMN "caller_name_sealed" BYTEA,
ADD COLUMN "caller_phone_sealed" BYTEA,
ADD COLUMN "caller_pii_key_id" VARCHAR(16),
ADD COLUMN "caller_phone_hash" CHAR(64);

-- Same-caller lookups go by the hash: the index on the plain phone goes.
DROP INDEX "ticket_caller_phone_created_at_idx";

-- CreateIndex
CREATE INDEX "ticket_caller_phone_hash_created_at_idx" ON "ticket"("caller_phone_hash", "created_at");

-- AlterTable: a phone flag's subject becomes the phone's hash, the number sealed beside it.
ALTER TABLE "caller_flag" ADD COLUMN "subject_sealed" BYTEA,
ADD COLUMN "subject_key_id" VARCHAR(16);

-- CreateTable
CREATE TABLE "personal_data_access" (
    "id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "subject" VARCHAR(200) NOT NULL,
    "role" VARCHAR(20) NOT NULL,
    "unit_id" VARCHAR(100),
    "ticket_id" UUID,
    "caller_flag_id" UUID,
    "fields" TEXT[],
    "purpose" VARCHAR(200) NOT NULL,
    "action" VARCHAR(100) NOT NULL,
    "request_id" VARCHAR(128),

    CONSTRAINT "personal_data_access_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "personal_data_access_at_id_idx" ON "personal_data_access"("at", "id");

-- CreateIndex
CREATE INDEX "personal_data_access_ticket_id_at_id_idx" ON "personal_data_access"("ticket_id", "at", "id");

-- CreateIndex
CREATE INDEX "personal_data_access_subject_at_id_idx" ON "personal_data_access"("subject", "at", "id");

-- The access log is append-only: rows are added, never changed or removed, whoever asks (the
-- service's own role included). Retention, if ever, is a reviewed migration, not a statement.
CREATE FUNCTION "personal_data_access_append_only"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'personal_data_access is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "personal_data_access_no_update_delete"
BEFORE UPDATE OR DELETE ON "personal_data_access"
FOR EACH ROW EXECUTE FUNCTION "personal_data_access_append_only"();

CREATE TRIGGER "personal_data_access_no_truncate"
BEFORE TRUNCATE ON "personal_data_access"
FOR EACH STATEMENT EXECUTE FUNCTION "personal_data_access_append_only"();
