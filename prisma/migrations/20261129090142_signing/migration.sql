-- CreateTable
CREATE TABLE "SigningRound" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT NOT NULL,
    "versionSeq" INTEGER NOT NULL,
    "contentSha256" TEXT NOT NULL,
    "snapshot" TEXT NOT NULL,
    "clauseHashes" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "lockedById" TEXT NOT NULL,
    "lockedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "voidedAt" DATETIME,
    "voidReason" TEXT,
    "completedAt" DATETIME,
    "pdf" BLOB,
    "pdfSha256" TEXT,
    CONSTRAINT "SigningRound_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ClauseConsent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "roundId" TEXT NOT NULL,
    "participantId" TEXT NOT NULL,
    "clauseId" TEXT NOT NULL,
    "clauseSha256" TEXT NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ClauseConsent_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "SigningRound" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AgreementSignature" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "roundId" TEXT NOT NULL,
    "signerType" TEXT NOT NULL,
    "participantId" TEXT,
    "signerId" TEXT NOT NULL,
    "signerName" TEXT NOT NULL,
    "signerRole" TEXT NOT NULL,
    "png" BLOB NOT NULL,
    "pngSha256" TEXT NOT NULL,
    "affirmation" TEXT NOT NULL,
    "identityMethod" TEXT NOT NULL,
    "ip" TEXT NOT NULL,
    "userAgent" TEXT NOT NULL,
    "signedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AgreementSignature_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "SigningRound" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SigningCode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "roundId" TEXT NOT NULL,
    "participantId" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "usedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SigningCode_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "SigningRound" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Participant" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "side" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "idNumber" TEXT NOT NULL,
    "identityConfirmedAt" DATETIME,
    "consentAt" DATETIME,
    "signingAuthority" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Participant_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Participant" ("caseId", "consentAt", "createdAt", "id", "idNumber", "identityConfirmedAt", "name", "phone", "role", "side") SELECT "caseId", "consentAt", "createdAt", "id", "idNumber", "identityConfirmedAt", "name", "phone", "role", "side" FROM "Participant";
DROP TABLE "Participant";
ALTER TABLE "new_Participant" RENAME TO "Participant";
CREATE INDEX "Participant_caseId_idx" ON "Participant"("caseId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "SigningRound_pdfSha256_key" ON "SigningRound"("pdfSha256");

-- CreateIndex
CREATE INDEX "SigningRound_caseId_status_idx" ON "SigningRound"("caseId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ClauseConsent_roundId_participantId_clauseId_key" ON "ClauseConsent"("roundId", "participantId", "clauseId");

-- CreateIndex
CREATE UNIQUE INDEX "AgreementSignature_roundId_participantId_key" ON "AgreementSignature"("roundId", "participantId");

-- CreateIndex
CREATE INDEX "SigningCode_roundId_participantId_idx" ON "SigningCode"("roundId", "participantId");

