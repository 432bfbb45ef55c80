-- CreateTable
CREATE TABLE "DeadlinePolicy" (
    "centreId" TEXT NOT NULL PRIMARY KEY,
    "policy" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ScheduledJob" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "matterId" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "runAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "queuedAt" DATETIME,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "doneAt" DATETIME,
    "ranBy" TEXT,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateIndex
CREATE INDEX "ScheduledJob_status_runAt_idx" ON "ScheduledJob"("status", "runAt");

-- CreateIndex
CREATE INDEX "ScheduledJob_matterId_status_idx" ON "ScheduledJob"("matterId", "status");
