-- #16 item 1 履行: the schedule of a signed case (draft → confirmed by the mediator) and the notes of a derived obligation still to check.
ALTER TABLE "Obligation" ADD COLUMN "reviewNotes" TEXT;

CREATE TABLE "PerformanceSchedule" (
    "caseId" TEXT NOT NULL PRIMARY KEY,
    "signingRoundId" TEXT NOT NULL,
    "derivedAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'DRAFT',
    "confirmedAt" DATETIME,
    "confirmedById" TEXT
);
CREATE INDEX "PerformanceSchedule_status_idx" ON "PerformanceSchedule"("status");
