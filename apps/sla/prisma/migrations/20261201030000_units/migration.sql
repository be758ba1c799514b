-- sla's copy of routing's reference data: the unit directory, area and category names.

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
CREATE TABLE "reference_unit" (
    "id" VARCHAR(100) NOT NULL,
    "kind" VARCHAR(30) NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "district_code" VARCHAR(64),
    "street_code" VARCHAR(64),

    CONSTRAINT "reference_unit_pkey" PRIMARY KEY ("id")
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
CREATE TABLE "reference_category" (
    "code" VARCHAR(64) NOT NULL,
    "name" VARCHAR(40) NOT NULL,
    "path" TEXT[],
    "urgency" VARCHAR(20) NOT NULL,

    CONSTRAINT "reference_category_pkey" PRIMARY KEY ("code")
);
