-- Working-day calendars: loaded years, their dates, local overrides, and the change log.

-- CreateTable
CREATE TABLE "calendar_year" (
    "calendar_id" VARCHAR(50) NOT NULL,
    "year" INTEGER NOT NULL,
    "source" VARCHAR(200) NOT NULL,
    "version" VARCHAR(50) NOT NULL,
    "checksum" VARCHAR(64) NOT NULL,
    "loaded_by" VARCHAR(200) NOT NULL,
    "loaded_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "calendar_year_pkey" PRIMARY KEY ("calendar_id","year")
);

-- CreateTable
CREATE TABLE "calendar_date" (
    "calendar_id" VARCHAR(50) NOT NULL,
    "date" DATE NOT NULL,
    "kind" VARCHAR(10) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "name_en" VARCHAR(100),
    "source" VARCHAR(200) NOT NULL,
    "version" VARCHAR(50) NOT NULL,

    CONSTRAINT "calendar_date_pkey" PRIMARY KEY ("calendar_id","date"),
    CONSTRAINT "calendar_date_kind_check" CHECK ("kind" IN ('holiday', 'workday'))
);

-- CreateTable
CREATE TABLE "calendar_override" (
    "calendar_id" VARCHAR(50) NOT NULL,
    "date" DATE NOT NULL,
    "kind" VARCHAR(10) NOT NULL,
    "reason" VARCHAR(500) NOT NULL,
    "created_by" VARCHAR(200) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "calendar_override_pkey" PRIMARY KEY ("calendar_id","date"),
    CONSTRAINT "calendar_override_kind_check" CHECK ("kind" IN ('holiday', 'workday'))
);

-- CreateTable
CREATE TABLE "calendar_change" (
    "id" BIGSERIAL NOT NULL,
    "calendar_id" VARCHAR(50) NOT NULL,
    "action" VARCHAR(30) NOT NULL,
    "year" INTEGER NOT NULL,
    "date" DATE,
    "changed_dates" JSONB NOT NULL,
    "detail" JSONB NOT NULL,
    "actor" VARCHAR(200) NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "claimed_until" TIMESTAMPTZ(3),
    "notified_at" TIMESTAMPTZ(3),

    CONSTRAINT "calendar_change_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "calendar_change_notified_at_id_idx" ON "calendar_change"("notified_at", "id");

-- CreateIndex
CREATE INDEX "calendar_change_calendar_id_id_idx" ON "calendar_change"("calendar_id", "id");
