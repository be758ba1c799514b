-- 回访 callbacks and ratings: the ticket and reply read models, the tasks, and every raw answer.

-- CreateTable
CREATE TABLE "callback_ticket" (
    "ticket_id" VARCHAR(100) NOT NULL,
    "number" VARCHAR(14) NOT NULL,
    "request_type" VARCHAR(20) NOT NULL,
    "category_code" VARCHAR(64),
    "urgency" VARCHAR(20) NOT NULL,
    "district_code" VARCHAR(32),
    "street_code" VARCHAR(32),
    "community_code" VARCHAR(32),
    "confidential" BOOLEAN NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "callback_ticket_pkey" PRIMARY KEY ("ticket_id")
);

-- CreateTable
CREATE TABLE "callback_reply" (
    "ticket_id" VARCHAR(100) NOT NULL,
    "cycle" INTEGER NOT NULL,
    "assignment_id" VARCHAR(100) NOT NULL,
    "unit_id" VARCHAR(100) NOT NULL,
    "result" VARCHAR(20) NOT NULL,
    "content" TEXT NOT NULL,
    "staff_id" VARCHAR(100) NOT NULL,
    "replied_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "callback_reply_pkey" PRIMARY KEY ("ticket_id","cycle")
);

-- CreateTable
CREATE TABLE "callback_task" (
    "id" UUID NOT NULL,
    "ticket_id" VARCHAR(100) NOT NULL,
    "cycle" INTEGER NOT NULL,
    "lead_unit_id" VARCHAR(100),
    "lead_assignment_id" VARCHAR(100),
    "district_code" VARCHAR(32),
    "reply_due_at" TIMESTAMPTZ(3) NOT NULL,
    "callback_due_at" TIMESTAMPTZ(3) NOT NULL,
    "reopen_on_unresolved" BOOLEAN NOT NULL,
    "link_expires_at" TIMESTAMPTZ(3) NOT NULL,
    "status" VARCHAR(12) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "claimed_by" VARCHAR(100),
    "claimed_at" TIMESTAMPTZ(3),
    "opened_at" TIMESTAMPTZ(3) NOT NULL,
    "closed_at" TIMESTAMPTZ(3),
    "contacted" BOOLEAN,
    "resolved" BOOLEAN,
    "satisfaction" VARCHAR(20),
    "reopened" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "callback_task_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "callback_task_status_check" CHECK ("status" IN ('open', 'answered', 'unreachable')),
    CONSTRAINT "callback_task_satisfaction_check"
        CHECK ("satisfaction" IN ('satisfied', 'basically-satisfied', 'unsatisfied'))
);

-- CreateTable
CREATE TABLE "callback_answer" (
    "id" UUID NOT NULL,
    "task_id" UUID NOT NULL,
    "ticket_id" VARCHAR(100) NOT NULL,
    "cycle" INTEGER NOT NULL,
    "channel" VARCHAR(20) NOT NULL,
    "recorded_by" VARCHAR(100),
    "contacted" BOOLEAN NOT NULL,
    "resolved" BOOLEAN,
    "satisfaction" VARCHAR(20),
    "comment" TEXT,
    "raw" JSONB NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "callback_answer_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "callback_answer_channel_check" CHECK ("channel" IN ('agent', 'resident-link')),
    CONSTRAINT "callback_answer_satisfaction_check"
        CHECK ("satisfaction" IN ('satisfied', 'basically-satisfied', 'unsatisfied'))
);

-- CreateIndex
CREATE UNIQUE INDEX "callback_task_ticket_id_cycle_key" ON "callback_task"("ticket_id", "cycle");

-- CreateIndex
CREATE INDEX "callback_task_status_callback_due_at_idx" ON "callback_task"("status", "callback_due_at");

-- CreateIndex
CREATE INDEX "callback_task_lead_unit_id_status_callback_due_at_idx" ON "callback_task"("lead_unit_id", "status", "callback_due_at");

-- CreateIndex
CREATE INDEX "callback_task_district_code_status_callback_due_at_idx" ON "callback_task"("district_code", "status", "callback_due_at");

-- CreateIndex
CREATE INDEX "callback_answer_task_id_recorded_at_idx" ON "callback_answer"("task_id", "recorded_at");

-- CreateIndex
CREATE INDEX "callback_answer_ticket_id_cycle_idx" ON "callback_answer"("ticket_id", "cycle");

-- AddForeignKey
ALTER TABLE "callback_answer" ADD CONSTRAINT "callback_answer_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "callback_task"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
