-- 考评: per-order facts, per unit per day counters, versioned weights, hot spots, 吹哨报到 双考核.

-- CreateTable
CREATE TABLE "assessment_order" (
    "assignment_id" VARCHAR(100) NOT NULL,
    "ticket_id" VARCHAR(100) NOT NULL,
    "cycle" INTEGER NOT NULL,
    "unit_id" VARCHAR(100) NOT NULL,
    "dispatched_at" TIMESTAMPTZ(3) NOT NULL,
    "day" DATE NOT NULL,
    "excluded_reason" VARCHAR(30),
    "response_late" BOOLEAN NOT NULL DEFAULT false,
    "callback_contacted" BOOLEAN,
    "callback_resolved" BOOLEAN,
    "callback_satisfaction" VARCHAR(30),
    "callback_at" TIMESTAMPTZ(3),

    CONSTRAINT "assessment_order_pkey" PRIMARY KEY ("assignment_id")
);

-- CreateIndex
CREATE INDEX "assessment_order_ticket_id_cycle_idx" ON "assessment_order"("ticket_id", "cycle");

-- CreateIndex
CREATE INDEX "assessment_order_day_idx" ON "assessment_order"("day");

-- CreateTable
CREATE TABLE "assessment_ticket_exclusion" (
    "ticket_id" VARCHAR(100) NOT NULL,
    "reason" VARCHAR(30) NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "decided_by" VARCHAR(200),
    "decided_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "assessment_ticket_exclusion_pkey" PRIMARY KEY ("ticket_id")
);

-- CreateTable
CREATE TABLE "assessment_unit_day" (
    "day" DATE NOT NULL,
    "unit_id" VARCHAR(100) NOT NULL,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "excluded" INTEGER NOT NULL DEFAULT 0,
    "assessable" INTEGER NOT NULL DEFAULT 0,
    "on_time" INTEGER NOT NULL DEFAULT 0,
    "callbacks" INTEGER NOT NULL DEFAULT 0,
    "uncontacted" INTEGER NOT NULL DEFAULT 0,
    "resolved" INTEGER NOT NULL DEFAULT 0,
    "satisfied" INTEGER NOT NULL DEFAULT 0,
    "basically_satisfied" INTEGER NOT NULL DEFAULT 0,
    "unsatisfied" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "assessment_unit_day_pkey" PRIMARY KEY ("day","unit_id")
);

-- CreateIndex
CREATE INDEX "assessment_unit_day_unit_id_day_idx" ON "assessment_unit_day"("unit_id", "day");

-- CreateTable
CREATE TABLE "assessment_weight_set" (
    "version" INTEGER NOT NULL,
    "unit_class" VARCHAR(20) NOT NULL,
    "effective_from" DATE NOT NULL,
    "response" DECIMAL(5,2) NOT NULL,
    "resolution" DECIMAL(5,2) NOT NULL,
    "satisfaction" DECIMAL(5,2) NOT NULL,
    "basic_satisfied_weight" DECIMAL(4,3) NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "created_by" VARCHAR(200),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "assessment_weight_set_pkey" PRIMARY KEY ("version","unit_class")
);

-- The default weights: every class 10 % 响应率, 45 % 解决率, 45 % 满意率; 基本满意 counts 0.8.
INSERT INTO "assessment_weight_set"
    ("version", "unit_class", "effective_from", "response", "resolution", "satisfaction", "basic_satisfied_weight", "note")
VALUES
    (1, 'street', '2026-01-01', 10, 45, 45, 0.8, '默认权重 10/45/45'),
    (1, 'district', '2026-01-01', 10, 45, 45, 0.8, '默认权重 10/45/45'),
    (1, 'city-department', '2026-01-01', 10, 45, 45, 0.8, '默认权重 10/45/45'),
    (1, 'enterprise', '2026-01-01', 10, 45, 45, 0.8, '默认权重 10/45/45');

-- CreateTable
CREATE TABLE "assessment_ticket" (
    "ticket_id" VARCHAR(100) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "day" DATE NOT NULL,
    "category_code" VARCHAR(64),
    "district_code" VARCHAR(32),
    "street_code" VARCHAR(32),
    "outcome" VARCHAR(20) NOT NULL,

    CONSTRAINT "assessment_ticket_pkey" PRIMARY KEY ("ticket_id")
);

-- CreateIndex
CREATE INDEX "assessment_ticket_day_idx" ON "assessment_ticket"("day");

-- CreateTable
CREATE TABLE "assessment_hotspot_day" (
    "day" DATE NOT NULL,
    "category_code" VARCHAR(64) NOT NULL,
    "district_code" VARCHAR(32) NOT NULL,
    "street_code" VARCHAR(32) NOT NULL,
    "tickets" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "assessment_hotspot_day_pkey" PRIMARY KEY ("day","category_code","district_code","street_code")
);

-- CreateTable
CREATE TABLE "assessment_whistle" (
    "whistle_id" VARCHAR(100) NOT NULL,
    "street_unit_id" VARCHAR(100) NOT NULL,
    "ticket_id" VARCHAR(100),
    "blown_at" TIMESTAMPTZ(3) NOT NULL,
    "day" DATE NOT NULL,
    "closed_at" TIMESTAMPTZ(3),
    "resolved" BOOLEAN,

    CONSTRAINT "assessment_whistle_pkey" PRIMARY KEY ("whistle_id")
);

-- CreateIndex
CREATE INDEX "assessment_whistle_day_idx" ON "assessment_whistle"("day");

-- CreateTable
CREATE TABLE "assessment_whistle_summons" (
    "whistle_id" VARCHAR(100) NOT NULL,
    "unit_id" VARCHAR(100) NOT NULL,
    "due_at" TIMESTAMPTZ(3),
    "checked_in_at" TIMESTAMPTZ(3),
    "late" BOOLEAN,
    "absent" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "assessment_whistle_summons_pkey" PRIMARY KEY ("whistle_id","unit_id")
);
