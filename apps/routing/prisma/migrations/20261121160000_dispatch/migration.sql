-- CreateTable
CREATE TABLE "routing_ticket" (
    "ticket_id" VARCHAR(100) NOT NULL,
    "number" VARCHAR(14) NOT NULL,
    "category_code" VARCHAR(64),
    "urgency" VARCHAR(20) NOT NULL,
    "location" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "status" VARCHAR(20) NOT NULL,

    CONSTRAINT "routing_ticket_pkey" PRIMARY KEY ("ticket_id")
);

-- CreateTable
CREATE TABLE "assignment" (
    "id" UUID NOT NULL,
    "ticket_id" VARCHAR(100) NOT NULL,
    "unit_id" VARCHAR(100) NOT NULL,
    "role" VARCHAR(10) NOT NULL,
    "status" VARCHAR(20) NOT NULL,
    "rule" VARCHAR(200) NOT NULL,
    "catalogue_version" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "assignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "manual_dispatch" (
    "ticket_id" VARCHAR(100) NOT NULL,
    "reason" VARCHAR(40) NOT NULL,
    "detail" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "manual_dispatch_pkey" PRIMARY KEY ("ticket_id")
);

-- CreateIndex
CREATE INDEX "assignment_unit_id_status_idx" ON "assignment"("unit_id", "status");

-- CreateIndex
CREATE INDEX "assignment_ticket_id_idx" ON "assignment"("ticket_id");

-- AddForeignKey
ALTER TABLE "assignment" ADD CONSTRAINT "assignment_ticket_id_fkey" FOREIGN KEY ("ticket_id") REFERENCES "routing_ticket"("ticket_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "manual_dispatch" ADD CONSTRAINT "manual_dispatch_ticket_id_fkey" FOREIGN KEY ("ticket_id") REFERENCES "routing_ticket"("ticket_id") ON DELETE RESTRICT ON UPDATE CASCADE;
