-- #17 item 4: agents' 授权委托书 and organisations' proof of standing; the kind of agency (委托 or
-- 法定代理); an organisation's 电子印章, also kept with the signature it was printed beside.
ALTER TABLE "Participant" ADD COLUMN "agencyType" TEXT NOT NULL DEFAULT 'entrusted';
ALTER TABLE "Participant" ADD COLUMN "sealPng" BLOB;
ALTER TABLE "AgreementSignature" ADD COLUMN "sealPng" BLOB;

CREATE TABLE "PartyDocument" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT NOT NULL,
    "participantId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "mime" TEXT NOT NULL,
    "bytes" BLOB NOT NULL,
    "sha256" TEXT NOT NULL,
    "specialPowers" BOOLEAN NOT NULL DEFAULT false,
    "uploadedById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "PartyDocument_participantId_fkey" FOREIGN KEY ("participantId") REFERENCES "Participant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "PartyDocument_participantId_idx" ON "PartyDocument"("participantId");
CREATE INDEX "PartyDocument_caseId_idx" ON "PartyDocument"("caseId");
