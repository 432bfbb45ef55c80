-- #16 closing the loop: obligations (履行), ratings (评价), follow-up tasks and records (回访), archiving (电子卷宗).
CREATE TABLE "Obligation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT NOT NULL,
    "signingRoundId" TEXT NOT NULL,
    "clauseId" TEXT,
    "seq" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "obligorSide" TEXT NOT NULL,
    "obligeeSide" TEXT NOT NULL,
    "amountFen" INTEGER,
    "receivedFen" INTEGER NOT NULL DEFAULT 0,
    "dueDate" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'NOT_DUE',
    "performedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
CREATE INDEX "Obligation_caseId_seq_idx" ON "Obligation"("caseId", "seq");
CREATE INDEX "Obligation_status_dueDate_idx" ON "Obligation"("status", "dueDate");

CREATE TABLE "ObligationEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "obligationId" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "type" TEXT NOT NULL,
    "participantId" TEXT,
    "userId" TEXT,
    "amountFen" INTEGER,
    "note" TEXT,
    "fileName" TEXT,
    "mime" TEXT,
    "sha256" TEXT,
    "bytes" BLOB,
    "dedupeKey" TEXT,
    CONSTRAINT "ObligationEvent_obligationId_fkey" FOREIGN KEY ("obligationId") REFERENCES "Obligation" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "ObligationEvent_dedupeKey_key" ON "ObligationEvent"("dedupeKey");
CREATE INDEX "ObligationEvent_obligationId_id_idx" ON "ObligationEvent"("obligationId", "id");

CREATE TABLE "ServiceRating" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT NOT NULL,
    "participantId" TEXT NOT NULL,
    "occasion" TEXT NOT NULL,
    "occasionKey" TEXT NOT NULL,
    "score" INTEGER NOT NULL,
    "comment" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "ServiceRating_participantId_occasion_occasionKey_key" ON "ServiceRating"("participantId", "occasion", "occasionKey");
CREATE INDEX "ServiceRating_caseId_idx" ON "ServiceRating"("caseId");
CREATE INDEX "ServiceRating_createdAt_idx" ON "ServiceRating"("createdAt");

CREATE TABLE "FollowUpTask" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT NOT NULL,
    "matterId" TEXT,
    "reason" TEXT NOT NULL,
    "sourceId" TEXT,
    "unitId" TEXT NOT NULL,
    "assigneeId" TEXT,
    "dueAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "outcome" TEXT,
    "reopened" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" DATETIME
);
CREATE UNIQUE INDEX "FollowUpTask_reason_sourceId_key" ON "FollowUpTask"("reason", "sourceId");
CREATE INDEX "FollowUpTask_unitId_status_dueAt_idx" ON "FollowUpTask"("unitId", "status", "dueAt");
CREATE INDEX "FollowUpTask_caseId_idx" ON "FollowUpTask"("caseId");

CREATE TABLE "FollowUpRecord" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "taskId" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "userId" TEXT NOT NULL,
    "contact" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "result" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "FollowUpRecord_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "FollowUpTask" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "FollowUpRecord_taskId_idx" ON "FollowUpRecord"("taskId");

CREATE TABLE "CaseArchive" (
    "caseId" TEXT NOT NULL PRIMARY KEY,
    "archivedAt" DATETIME NOT NULL,
    "archivedById" TEXT NOT NULL,
    "retentionYears" INTEGER NOT NULL,
    "retainUntil" DATETIME NOT NULL,
    "dossierSha256" TEXT,
    "dossierBuiltAt" DATETIME
);
