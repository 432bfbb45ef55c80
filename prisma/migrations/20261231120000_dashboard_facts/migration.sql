-- #16 item 4: the dashboard's fact table (one row per case or matter), kept by the dashboard projector.
CREATE TABLE "DashboardFact" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT,
    "matterId" TEXT,
    "unitId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "disputeType" TEXT NOT NULL,
    "areaCode" TEXT,
    "mediatorId" TEXT,
    "receivedDay" INTEGER NOT NULL,
    "receivedMonth" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "mediated" BOOLEAN NOT NULL DEFAULT false,
    "currentDueAt" DATETIME,
    "registeredSec" INTEGER,
    "routedSec" INTEGER,
    "acceptedSec" INTEGER,
    "mediationSec" INTEGER,
    "judicialSec" INTEGER,
    "totalSec" INTEGER,
    "registeredOnTime" BOOLEAN,
    "routedOnTime" BOOLEAN,
    "acceptedOnTime" BOOLEAN,
    "mediationOnTime" BOOLEAN,
    "signed" BOOLEAN NOT NULL DEFAULT false,
    "judicialApplied" BOOLEAN NOT NULL DEFAULT false,
    "judicialConfirmed" BOOLEAN NOT NULL DEFAULT false,
    "obligations" INTEGER NOT NULL DEFAULT 0,
    "obligationsDue" INTEGER NOT NULL DEFAULT 0,
    "obligationsPerformed" INTEGER NOT NULL DEFAULT 0,
    "obligationsOverdue" INTEGER NOT NULL DEFAULT 0,
    "ratings" INTEGER NOT NULL DEFAULT 0,
    "ratingSum" INTEGER NOT NULL DEFAULT 0,
    "ratingsSatisfied" INTEGER NOT NULL DEFAULT 0,
    "ratingsPoor" INTEGER NOT NULL DEFAULT 0,
    "caucuses" INTEGER NOT NULL DEFAULT 0,
    "caucusSec" INTEGER NOT NULL DEFAULT 0,
    "projectedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "DashboardFact_caseId_key" ON "DashboardFact"("caseId");

-- CreateIndex
CREATE UNIQUE INDEX "DashboardFact_matterId_key" ON "DashboardFact"("matterId");

-- CreateIndex
CREATE INDEX "DashboardFact_receivedDay_unitId_idx" ON "DashboardFact"("receivedDay", "unitId");

-- CreateIndex
CREATE INDEX "DashboardFact_unitId_receivedDay_idx" ON "DashboardFact"("unitId", "receivedDay");
