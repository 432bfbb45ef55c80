-- #17 items 5–10: the court's procedure (documents issued, their service), structured areas for jurisdiction.
ALTER TABLE "Court" ADD COLUMN "areaCode" TEXT;
ALTER TABLE "Court" ADD COLUMN "level" TEXT NOT NULL DEFAULT 'BASIC';

ALTER TABLE "JudicialApplication" ADD COLUMN "refusalGround" TEXT;
ALTER TABLE "JudicialApplication" ADD COLUMN "dismissalGround" TEXT;
ALTER TABLE "JudicialApplication" ADD COLUMN "clockPausedMs" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "JudicialApplication" ADD COLUMN "pausedSince" DATETIME;
ALTER TABLE "JudicialApplication" ADD COLUMN "withdrawRequestedAt" DATETIME;
ALTER TABLE "JudicialApplication" ADD COLUMN "withdrawRequestedBy" TEXT;
ALTER TABLE "JudicialApplication" ADD COLUMN "subjectAreaCode" TEXT;
ALTER TABLE "JudicialApplication" ADD COLUMN "intermediateJurisdiction" BOOLEAN NOT NULL DEFAULT false;

ALTER TABLE "JudicialApplicant" ADD COLUMN "electronicService" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "JudicialApplicant" ADD COLUMN "domicileAreaCode" TEXT;
ALTER TABLE "JudicialApplicant" ADD COLUMN "applicationSignedAt" DATETIME;
ALTER TABLE "JudicialApplicant" ADD COLUMN "applicationSignaturePng" BLOB;
ALTER TABLE "JudicialApplicant" ADD COLUMN "applicationSignatureSha256" TEXT;

CREATE TABLE "JudicialCourtDocument" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "applicationId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "pdf" BLOB NOT NULL,
    "sha256" TEXT NOT NULL,
    "issuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dueAt" DATETIME,
    "answeredAt" DATETIME,
    CONSTRAINT "JudicialCourtDocument_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "JudicialApplication" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE "JudicialService" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "documentId" TEXT NOT NULL,
    "participantId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "sentAt" DATETIME,
    "openedAt" DATETIME,
    "openedBy" TEXT,
    CONSTRAINT "JudicialService_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "JudicialCourtDocument" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "JudicialService_documentId_participantId_key" ON "JudicialService"("documentId", "participantId");

CREATE TABLE "CaseCourtReferral" (
    "caseId" TEXT NOT NULL PRIMARY KEY,
    "courtId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
