-- Policies (versioned time-limit rules), sla's view of tickets, deadline clocks and their audited due-time changes.

-- CreateTable
CREATE TABLE "sla_policy_version" (
    "version" VARCHAR(64) NOT NULL,
    "description" TEXT NOT NULL,
    "effective_from" TIMESTAMPTZ(3) NOT NULL,
    "document" JSONB NOT NULL,
    "created_by" VARCHAR(100) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sla_policy_version_pkey" PRIMARY KEY ("version")
);

-- CreateTable
CREATE TABLE "sla_ticket" (
    "ticket_id" VARCHAR(100) NOT NULL,
    "number" VARCHAR(14),
    "urgency" VARCHAR(20) NOT NULL,
    "category_code" VARCHAR(64),
    "request_type" VARCHAR(20),
    "district_code" VARCHAR(32),
    "street_code" VARCHAR(32),
    "received_at" TIMESTAMPTZ(3),
    "cycle" INTEGER NOT NULL DEFAULT 1,
    "mode" VARCHAR(20) NOT NULL,
    "policy_version" VARCHAR(64) NOT NULL,
    "rule_id" VARCHAR(100) NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sla_ticket_pkey" PRIMARY KEY ("ticket_id")
);

-- CreateTable
CREATE TABLE "sla_clock" (
    "id" UUID NOT NULL,
    "natural_key" VARCHAR(300) NOT NULL,
    "kind" VARCHAR(20) NOT NULL,
    "ticket_id" VARCHAR(100),
    "whistle_id" VARCHAR(100),
    "assignment_id" VARCHAR(100),
    "unit_id" VARCHAR(100),
    "cycle" INTEGER NOT NULL,
    "policy_version" VARCHAR(64) NOT NULL,
    "rule_id" VARCHAR(100) NOT NULL,
    "schedule_id" VARCHAR(64) NOT NULL,
    "target" JSONB NOT NULL,
    "warnings" DOUBLE PRECISION[],
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "state" VARCHAR(12) NOT NULL,
    "stopped_at" TIMESTAMPTZ(3),
    "stop_reason" VARCHAR(40),
    "breached" BOOLEAN NOT NULL DEFAULT false,
    "ever_breached" BOOLEAN NOT NULL DEFAULT false,
    "elapsed_wall_minutes" DOUBLE PRECISION,
    "elapsed_schedule_minutes" DOUBLE PRECISION,
    "warned" DOUBLE PRECISION[] DEFAULT ARRAY[]::DOUBLE PRECISION[],
    "version" INTEGER NOT NULL DEFAULT 1,
    "due_handled_at" TIMESTAMPTZ(3),
    "escalation_unit_id" VARCHAR(100),
    "head_unit_id" VARCHAR(100),
    "district_code" VARCHAR(32),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sla_clock_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sla_clock_change" (
    "id" UUID NOT NULL,
    "clock_id" UUID NOT NULL,
    "previous_due_at" TIMESTAMPTZ(3) NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "reason" VARCHAR(40) NOT NULL,
    "detail" JSONB NOT NULL,
    "changed_by" VARCHAR(100) NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sla_clock_change_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sla_policy_version_effective_from_idx" ON "sla_policy_version"("effective_from");

-- CreateIndex
CREATE INDEX "sla_ticket_mode_status_idx" ON "sla_ticket"("mode", "status");

-- CreateIndex
CREATE UNIQUE INDEX "sla_clock_natural_key_key" ON "sla_clock"("natural_key");

-- CreateIndex
CREATE INDEX "sla_clock_ticket_id_cycle_idx" ON "sla_clock"("ticket_id", "cycle");

-- CreateIndex
CREATE INDEX "sla_clock_whistle_id_idx" ON "sla_clock"("whistle_id");

-- CreateIndex
CREATE INDEX "sla_clock_assignment_id_idx" ON "sla_clock"("assignment_id");

-- CreateIndex
CREATE INDEX "sla_clock_state_due_at_idx" ON "sla_clock"("state", "due_at");

-- CreateIndex
CREATE INDEX "sla_clock_schedule_id_state_idx" ON "sla_clock"("schedule_id", "state");

-- CreateIndex
CREATE INDEX "sla_clock_change_clock_id_idx" ON "sla_clock_change"("clock_id");

-- AddForeignKey
ALTER TABLE "sla_clock_change" ADD CONSTRAINT "sla_clock_change_clock_id_fkey" FOREIGN KEY ("clock_id") REFERENCES "sla_clock"("id") ON DELETE CASCADE ON UPDATE CASCADE;
