-- #17 procedure: 权利义务告知书 acknowledgements, 回避 declarations and objections, 终止调解, 调解笔录 and its signing.
-- CreateTable
CREATE TABLE "NoticeAcknowledgement" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT NOT NULL,
    "participantId" TEXT NOT NULL,
    "templateVersion" INTEGER NOT NULL,
    "textSha256" TEXT NOT NULL,
    "acknowledgedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "NoticeAcknowledgement_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RecusalDeclaration" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT NOT NULL,
    "mediatorId" TEXT NOT NULL,
    "mediatorName" TEXT NOT NULL,
    "statement" TEXT NOT NULL,
    "declaredAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RecusalDeclaration_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RecusalObjection" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT NOT NULL,
    "participantId" TEXT NOT NULL,
    "mediatorId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "resolvedById" TEXT,
    "resolution" TEXT,
    "resolvedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RecusalObjection_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MediationTermination" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT NOT NULL,
    "endedBy" TEXT NOT NULL,
    "participantId" TEXT,
    "reason" TEXT NOT NULL,
    "endedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "noticePdf" BLOB,
    CONSTRAINT "MediationTermination_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MinutesEntry" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "side" TEXT,
    "caucus" BOOLEAN NOT NULL DEFAULT false,
    "sharedAt" DATETIME,
    "text" TEXT NOT NULL,
    "authorId" TEXT NOT NULL,
    "authorName" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MinutesEntry_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MinutesRecord" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "snapshot" TEXT NOT NULL,
    "contentSha256" TEXT NOT NULL,
    "signerIds" TEXT NOT NULL,
    "lockedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" DATETIME,
    "pdf" BLOB,
    CONSTRAINT "MinutesRecord_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MinutesSignature" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "recordId" TEXT NOT NULL,
    "participantId" TEXT NOT NULL,
    "signerName" TEXT NOT NULL,
    "signerRole" TEXT NOT NULL,
    "png" BLOB NOT NULL,
    "pngSha256" TEXT NOT NULL,
    "ip" TEXT NOT NULL,
    "userAgent" TEXT NOT NULL,
    "signedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MinutesSignature_recordId_fkey" FOREIGN KEY ("recordId") REFERENCES "MinutesRecord" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "NoticeAcknowledgement_caseId_idx" ON "NoticeAcknowledgement"("caseId");

-- CreateIndex
CREATE UNIQUE INDEX "NoticeAcknowledgement_participantId_textSha256_key" ON "NoticeAcknowledgement"("participantId", "textSha256");

-- CreateIndex
CREATE UNIQUE INDEX "RecusalDeclaration_caseId_mediatorId_key" ON "RecusalDeclaration"("caseId", "mediatorId");

-- CreateIndex
CREATE INDEX "RecusalObjection_caseId_idx" ON "RecusalObjection"("caseId");

-- CreateIndex
CREATE UNIQUE INDEX "MediationTermination_caseId_key" ON "MediationTermination"("caseId");

-- CreateIndex
CREATE UNIQUE INDEX "MinutesEntry_caseId_seq_key" ON "MinutesEntry"("caseId", "seq");

-- CreateIndex
CREATE INDEX "MinutesRecord_caseId_idx" ON "MinutesRecord"("caseId");

-- CreateIndex
CREATE UNIQUE INDEX "MinutesSignature_recordId_participantId_key" ON "MinutesSignature"("recordId", "participantId");
