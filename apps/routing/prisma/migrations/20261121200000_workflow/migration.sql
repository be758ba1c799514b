-- Routing workflow: what units see of a ticket, the assignment state machine's columns, the work
-- log, 退单 disputes, 延期 extensions, staff, grid teams and 下派, duty shifts, 吹哨报到 and the
-- versions of reference data.

-- AlterTable: existing rows predate the columns; the defaults fill them and are then dropped.
ALTER TABLE "routing_ticket" ADD COLUMN "request_type" VARCHAR(20) NOT NULL DEFAULT 'help',
ADD COLUMN "content" TEXT NOT NULL DEFAULT '',
ADD COLUMN "confidential" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "cycle" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN "dispatched_at" TIMESTAMPTZ(3),
ADD COLUMN "version" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "routing_ticket" ALTER COLUMN "request_type" DROP DEFAULT, ALTER COLUMN "content" DROP DEFAULT;

-- AlterTable
ALTER TABLE "assignment" ADD COLUMN "cycle" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN "due_at" TIMESTAMPTZ(3),
ADD COLUMN "disputed_from" VARCHAR(20),
ADD COLUMN "signed_at" TIMESTAMPTZ(3),
ADD COLUMN "signed_by" VARCHAR(100),
ADD COLUMN "first_contact_at" TIMESTAMPTZ(3),
ADD COLUMN "completed_at" TIMESTAMPTZ(3),
ADD COLUMN "emergency" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "on_duty_staff_id" VARCHAR(100),
ADD COLUMN "replaces_id" UUID,
ADD COLUMN "version" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "manual_dispatch" ADD COLUMN "resolved_by" VARCHAR(100);

-- CreateTable
CREATE TABLE "activity" (
    "id" UUID NOT NULL,
    "assignment_id" UUID NOT NULL,
    "ticket_id" VARCHAR(100) NOT NULL,
    "kind" VARCHAR(30) NOT NULL,
    "staff_id" VARCHAR(100) NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "activity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "dispute" (
    "id" UUID NOT NULL,
    "assignment_id" UUID NOT NULL,
    "ticket_id" VARCHAR(100) NOT NULL,
    "unit_id" VARCHAR(100) NOT NULL,
    "reason" VARCHAR(30) NOT NULL,
    "note" TEXT NOT NULL,
    "suggested_unit_id" VARCHAR(100),
    "raised_by" VARCHAR(100) NOT NULL,
    "raised_at" TIMESTAMPTZ(3) NOT NULL,
    "decision" VARCHAR(20),
    "corrected_unit_id" VARCHAR(100),
    "decision_note" TEXT,
    "decided_by" VARCHAR(100),
    "decided_at" TIMESTAMPTZ(3),

    CONSTRAINT "dispute_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "extension" (
    "id" UUID NOT NULL,
    "assignment_id" UUID NOT NULL,
    "ticket_id" VARCHAR(100) NOT NULL,
    "unit_id" VARCHAR(100) NOT NULL,
    "reason" TEXT NOT NULL,
    "previous_due_at" TIMESTAMPTZ(3) NOT NULL,
    "requested_due_at" TIMESTAMPTZ(3) NOT NULL,
    "requested_by" VARCHAR(100) NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "decision" VARCHAR(20),
    "new_due_at" TIMESTAMPTZ(3),
    "decision_note" TEXT,
    "decided_by" VARCHAR(100),
    "decided_at" TIMESTAMPTZ(3),

    CONSTRAINT "extension_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "staff" (
    "id" VARCHAR(100) NOT NULL,
    "unit_id" VARCHAR(100) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "title" VARCHAR(100),
    "phone" VARCHAR(30),
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "staff_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "grid_team" (
    "id" UUID NOT NULL,
    "unit_id" VARCHAR(100) NOT NULL,
    "area_code" VARCHAR(32) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "grid_team_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "team_member" (
    "team_id" UUID NOT NULL,
    "staff_id" VARCHAR(100) NOT NULL,
    "role" VARCHAR(20) NOT NULL,

    CONSTRAINT "team_member_pkey" PRIMARY KEY ("team_id","staff_id")
);

-- CreateTable
CREATE TABLE "sub_assignment" (
    "id" UUID NOT NULL,
    "assignment_id" UUID NOT NULL,
    "ticket_id" VARCHAR(100) NOT NULL,
    "team_id" UUID NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "instructions" TEXT NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "assigned_by" VARCHAR(100) NOT NULL,
    "assigned_at" TIMESTAMPTZ(3) NOT NULL,
    "result" TEXT,
    "done_by" VARCHAR(100),
    "done_at" TIMESTAMPTZ(3),

    CONSTRAINT "sub_assignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "duty_shift" (
    "id" UUID NOT NULL,
    "unit_id" VARCHAR(100) NOT NULL,
    "staff_id" VARCHAR(100) NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "duty_shift_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "whistle" (
    "id" UUID NOT NULL,
    "street_unit_id" VARCHAR(100) NOT NULL,
    "ticket_id" VARCHAR(100),
    "urgency" VARCHAR(10) NOT NULL,
    "description" TEXT NOT NULL,
    "location" JSONB NOT NULL,
    "status" VARCHAR(10) NOT NULL,
    "blown_by" VARCHAR(100) NOT NULL,
    "blown_at" TIMESTAMPTZ(3) NOT NULL,
    "resolved" BOOLEAN,
    "summary" TEXT,
    "closed_by" VARCHAR(100),
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "whistle_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "whistle_summons" (
    "whistle_id" UUID NOT NULL,
    "unit_id" VARCHAR(100) NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "checked_in_at" TIMESTAMPTZ(3),
    "checked_in_by" VARCHAR(100),
    "place" JSONB,

    CONSTRAINT "whistle_summons_pkey" PRIMARY KEY ("whistle_id","unit_id")
);

-- CreateTable
CREATE TABLE "reference_version" (
    "kind" VARCHAR(20) NOT NULL,
    "version" VARCHAR(64) NOT NULL,
    "payload" JSONB NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activated_at" TIMESTAMPTZ(3),

    CONSTRAINT "reference_version_pkey" PRIMARY KEY ("kind","version")
);

-- CreateIndex
CREATE INDEX "routing_ticket_status_received_at_idx" ON "routing_ticket"("status", "received_at");

-- CreateIndex
CREATE INDEX "assignment_unit_id_due_at_idx" ON "assignment"("unit_id", "due_at");

-- CreateIndex
CREATE INDEX "manual_dispatch_resolved_at_created_at_idx" ON "manual_dispatch"("resolved_at", "created_at");

-- CreateIndex
CREATE INDEX "activity_assignment_id_at_idx" ON "activity"("assignment_id", "at");

-- CreateIndex
CREATE INDEX "activity_ticket_id_at_idx" ON "activity"("ticket_id", "at");

-- CreateIndex
CREATE INDEX "dispute_decided_at_raised_at_idx" ON "dispute"("decided_at", "raised_at");

-- CreateIndex
CREATE INDEX "dispute_assignment_id_idx" ON "dispute"("assignment_id");

-- CreateIndex
CREATE INDEX "extension_decided_at_requested_at_idx" ON "extension"("decided_at", "requested_at");

-- CreateIndex
CREATE INDEX "extension_assignment_id_idx" ON "extension"("assignment_id");

-- CreateIndex
CREATE INDEX "staff_unit_id_idx" ON "staff"("unit_id");

-- CreateIndex
CREATE UNIQUE INDEX "grid_team_unit_id_area_code_key" ON "grid_team"("unit_id", "area_code");

-- CreateIndex
CREATE INDEX "team_member_staff_id_idx" ON "team_member"("staff_id");

-- CreateIndex
CREATE INDEX "sub_assignment_assignment_id_idx" ON "sub_assignment"("assignment_id");

-- CreateIndex
CREATE INDEX "sub_assignment_team_id_status_idx" ON "sub_assignment"("team_id", "status");

-- CreateIndex
CREATE INDEX "duty_shift_unit_id_starts_at_idx" ON "duty_shift"("unit_id", "starts_at");

-- CreateIndex
CREATE INDEX "whistle_street_unit_id_blown_at_idx" ON "whistle"("street_unit_id", "blown_at");

-- CreateIndex
CREATE INDEX "whistle_ticket_id_idx" ON "whistle"("ticket_id");

-- CreateIndex
CREATE INDEX "whistle_summons_unit_id_checked_in_at_idx" ON "whistle_summons"("unit_id", "checked_in_at");

-- CreateIndex
CREATE INDEX "reference_version_kind_activated_at_idx" ON "reference_version"("kind", "activated_at");

-- AddForeignKey
ALTER TABLE "activity" ADD CONSTRAINT "activity_assignment_id_fkey" FOREIGN KEY ("assignment_id") REFERENCES "assignment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "dispute" ADD CONSTRAINT "dispute_assignment_id_fkey" FOREIGN KEY ("assignment_id") REFERENCES "assignment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "extension" ADD CONSTRAINT "extension_assignment_id_fkey" FOREIGN KEY ("assignment_id") REFERENCES "assignment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "team_member" ADD CONSTRAINT "team_member_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "grid_team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "team_member" ADD CONSTRAINT "team_member_staff_id_fkey" FOREIGN KEY ("staff_id") REFERENCES "staff"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sub_assignment" ADD CONSTRAINT "sub_assignment_assignment_id_fkey" FOREIGN KEY ("assignment_id") REFERENCES "assignment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sub_assignment" ADD CONSTRAINT "sub_assignment_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "grid_team"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "duty_shift" ADD CONSTRAINT "duty_shift_staff_id_fkey" FOREIGN KEY ("staff_id") REFERENCES "staff"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "whistle_summons" ADD CONSTRAINT "whistle_summons_whistle_id_fkey" FOREIGN KEY ("whistle_id") REFERENCES "whistle"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
