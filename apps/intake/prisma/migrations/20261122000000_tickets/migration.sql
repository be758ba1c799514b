-- CreateTable
CREATE TABLE "ticket" (
    "id" UUID NOT NULL,
    "number" VARCHAR(14) NOT NULL,
    "channel" VARCHAR(20) NOT NULL,
    "request_type" VARCHAR(20) NOT NULL,
    "category_code" VARCHAR(64),
    "urgency" VARCHAR(20) NOT NULL,
    "content" TEXT NOT NULL,
    "caller_name" VARCHAR(100),
    "caller_phone" VARCHAR(20),
    "confidential" BOOLEAN NOT NULL DEFAULT false,
    "district_code" VARCHAR(32),
    "street_code" VARCHAR(32),
    "community_code" VARCHAR(32),
    "address" VARCHAR(500),
    "lng" DOUBLE PRECISION,
    "lat" DOUBLE PRECISION,
    "source_crs" VARCHAR(10),
    "source_lng" DOUBLE PRECISION,
    "source_lat" DOUBLE PRECISION,
    "media" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "operator_id" VARCHAR(200),
    "resident_subject" VARCHAR(200),
    "open311_client_id" VARCHAR(100),
    "client_ip" VARCHAR(64),
    "status" VARCHAR(20) NOT NULL,
    "suggestion" JSONB,
    "direct_reply" TEXT,
    "diversion_reason" VARCHAR(40),
    "diversion_note" TEXT,
    "master_ticket_id" UUID,
    "lead_unit_id" VARCHAR(100),
    "reply_due_at" TIMESTAMPTZ(3),
    "idempotency_key" VARCHAR(200),
    "request_hash" VARCHAR(64),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "ticket_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ticket_number_day" (
    "day" VARCHAR(8) NOT NULL,
    "last" INTEGER NOT NULL,

    CONSTRAINT "ticket_number_day_pkey" PRIMARY KEY ("day")
);

-- CreateTable
CREATE TABLE "timeline_entry" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "ticket_id" UUID NOT NULL,
    "kind" VARCHAR(40) NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "event_id" VARCHAR(100) NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "timeline_entry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "duplicate_suggestion" (
    "id" UUID NOT NULL,
    "ticket_id" UUID NOT NULL,
    "master_id" UUID NOT NULL,
    "reason" VARCHAR(20) NOT NULL,
    "similarity" DOUBLE PRECISION NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "decided_at" TIMESTAMPTZ(3),
    "decided_by" VARCHAR(200),

    CONSTRAINT "duplicate_suggestion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "caller_flag" (
    "id" UUID NOT NULL,
    "subject_kind" VARCHAR(10) NOT NULL,
    "subject" VARCHAR(64) NOT NULL,
    "reason" VARCHAR(40) NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "hits" INTEGER NOT NULL DEFAULT 1,
    "ticket_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "first_at" TIMESTAMPTZ(3) NOT NULL,
    "last_at" TIMESTAMPTZ(3) NOT NULL,
    "reviewed_at" TIMESTAMPTZ(3),
    "reviewed_by" VARCHAR(200),
    "review_note" TEXT,

    CONSTRAINT "caller_flag_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reference_version" (
    "kind" VARCHAR(20) NOT NULL,
    "version" VARCHAR(64) NOT NULL,
    "applied_at" TIMESTAMPTZ(3) NOT NULL,
    "pending" VARCHAR(64),
    "pending_parts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "reference_version_pkey" PRIMARY KEY ("kind")
);

-- CreateTable
CREATE TABLE "reference_area" (
    "code" VARCHAR(64) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "level" VARCHAR(20) NOT NULL,
    "parent_code" VARCHAR(64),

    CONSTRAINT "reference_area_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "reference_unit" (
    "id" VARCHAR(100) NOT NULL,
    "kind" VARCHAR(30) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "district_code" VARCHAR(64),
    "street_code" VARCHAR(64),
    "sector" VARCHAR(64),
    "service_area" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "reference_unit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reference_catalogue_item" (
    "code" VARCHAR(64) NOT NULL,
    "name" VARCHAR(40) NOT NULL,
    "path" TEXT[],
    "urgency" VARCHAR(20) NOT NULL,
    "keywords" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "lead" VARCHAR(100) NOT NULL,

    CONSTRAINT "reference_catalogue_item_pkey" PRIMARY KEY ("code")
);

-- CreateIndex
CREATE UNIQUE INDEX "ticket_number_key" ON "ticket"("number");

-- CreateIndex
CREATE UNIQUE INDEX "ticket_idempotency_key_key" ON "ticket"("idempotency_key");

-- CreateIndex
CREATE INDEX "ticket_created_at_idx" ON "ticket"("created_at");

-- CreateIndex
CREATE INDEX "ticket_status_created_at_idx" ON "ticket"("status", "created_at");

-- CreateIndex
CREATE INDEX "ticket_caller_phone_created_at_idx" ON "ticket"("caller_phone", "created_at");

-- CreateIndex
CREATE INDEX "ticket_resident_subject_created_at_idx" ON "ticket"("resident_subject", "created_at");

-- CreateIndex
CREATE INDEX "ticket_category_code_created_at_community_code_lng_lat_idx" ON "ticket"("category_code", "created_at", "community_code", "lng", "lat");

-- CreateIndex
CREATE INDEX "ticket_master_ticket_id_idx" ON "ticket"("master_ticket_id");

-- CreateIndex
CREATE UNIQUE INDEX "timeline_entry_seq_key" ON "timeline_entry"("seq");

-- CreateIndex
CREATE UNIQUE INDEX "timeline_entry_event_id_key" ON "timeline_entry"("event_id");

-- CreateIndex
CREATE INDEX "timeline_entry_ticket_id_at_idx" ON "timeline_entry"("ticket_id", "at");

-- CreateIndex
CREATE UNIQUE INDEX "duplicate_suggestion_ticket_id_master_id_key" ON "duplicate_suggestion"("ticket_id", "master_id");

-- CreateIndex
CREATE INDEX "duplicate_suggestion_status_created_at_idx" ON "duplicate_suggestion"("status", "created_at");

-- CreateIndex
CREATE INDEX "caller_flag_status_last_at_idx" ON "caller_flag"("status", "last_at");

-- CreateIndex
CREATE INDEX "caller_flag_subject_kind_subject_status_idx" ON "caller_flag"("subject_kind", "subject", "status");

-- CreateIndex
CREATE INDEX "reference_area_parent_code_idx" ON "reference_area"("parent_code");
