-- AlterTable
ALTER TABLE "JudicialApplication" ADD COLUMN "applicationPdf" BLOB;

