-- AlterTable
ALTER TABLE "JudicialApplication" ADD COLUMN "acceptedAt" DATETIME;
ALTER TABLE "JudicialApplication" ADD COLUMN "checklist" TEXT;
ALTER TABLE "JudicialApplication" ADD COLUMN "courtCaseNumber" TEXT;
ALTER TABLE "JudicialApplication" ADD COLUMN "decidedAt" DATETIME;
ALTER TABLE "JudicialApplication" ADD COLUMN "decisionReason" TEXT;
ALTER TABLE "JudicialApplication" ADD COLUMN "judgeId" TEXT;
ALTER TABLE "JudicialApplication" ADD COLUMN "judgeName" TEXT;
ALTER TABLE "JudicialApplication" ADD COLUMN "reviewNotes" TEXT;
ALTER TABLE "JudicialApplication" ADD COLUMN "rulingPdf" BLOB;
ALTER TABLE "JudicialApplication" ADD COLUMN "rulingSha256" TEXT;

-- CreateTable
CREATE TABLE "CourtCaseCounter" (
    "courtId" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "last" INTEGER NOT NULL,

    PRIMARY KEY ("courtId", "year")
);

