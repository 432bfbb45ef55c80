-- AlterTable
ALTER TABLE "SigningRound" ADD COLUMN "signerIds" TEXT;

