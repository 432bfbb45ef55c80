-- AlterTable
ALTER TABLE "JudicialApplicant" ADD COLUMN "confirmedAt" DATETIME;

-- A party that applied from its own link confirmed it by doing so.
UPDATE "JudicialApplicant" SET "confirmedAt" = "at" WHERE "how" = 'self';
