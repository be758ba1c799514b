-- Audit trail: one row per state-changing HTTP request (actor, time, route key, resource ids,
-- outcome, before/after summaries, body field names). Written by the platform's audit interceptor;
-- read by GET /audit (admins). Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE.

-- CreateTable
CREATE TABLE "audit_log" (
    "id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actor_subject" VARCHAR(200) NOT NULL,
    "actor_role" VARCHAR(32) NOT NULL,
    "actor_unit_id" VARCHAR(100),
    "action" VARCHAR(300) NOT NULL,
    "resource_ids" JSONB NOT NULL,
    "status" INTEGER NOT NULL,
    "error_code" VARCHAR(100),
    "request_id" VARCHAR(128) NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "body_fields" TEXT[],

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_log_at_id_idx" ON "audit_log"("at", "id");

-- CreateIndex
CREATE INDEX "audit_log_actor_subject_at_id_idx" ON "audit_log"("actor_subject", "at", "id");

-- CreateIndex
CREATE INDEX "audit_log_action_at_id_idx" ON "audit_log"("action", "at", "id");

-- CreateIndex
CREATE INDEX "audit_log_resource_ids_idx" ON "audit_log" USING GIN ("resource_ids" jsonb_ops);

-- Append-only: statement-level, so that even an UPDATE or DELETE matching no row is refused.
CREATE FUNCTION "audit_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "audit_log_append_only"
    BEFORE UPDATE OR DELETE OR TRUNCATE ON "audit_log"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_append_only"();
