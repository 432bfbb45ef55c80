-- One-time SMS codes also sign the 调解笔录 and the 司法确认申请书 (#17 items 2, 6): a code names
-- its purpose and subject; roundId stays for agreement codes only.
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_SigningCode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "purpose" TEXT NOT NULL DEFAULT 'AGREEMENT',
    "subjectId" TEXT NOT NULL,
    "roundId" TEXT,
    "participantId" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "usedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SigningCode_roundId_fkey" FOREIGN KEY ("roundId") REFERENCES "SigningRound" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_SigningCode" ("id", "purpose", "subjectId", "roundId", "participantId", "codeHash", "expiresAt", "attempts", "usedAt", "createdAt")
SELECT "id", 'AGREEMENT', "roundId", "roundId", "participantId", "codeHash", "expiresAt", "attempts", "usedAt", "createdAt" FROM "SigningCode";
DROP TABLE "SigningCode";
ALTER TABLE "new_SigningCode" RENAME TO "SigningCode";
CREATE INDEX "SigningCode_roundId_participantId_idx" ON "SigningCode"("roundId", "participantId");
CREATE INDEX "SigningCode_purpose_subjectId_participantId_idx" ON "SigningCode"("purpose", "subjectId", "participantId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
