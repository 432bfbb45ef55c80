-- AlterTable
ALTER TABLE "JudicialApplicant" ADD COLUMN "rulingServedAt" DATETIME;
