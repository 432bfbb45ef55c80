-- CreateTable
CREATE TABLE "ApplyCode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "phoneKey" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "verifiedAt" DATETIME,
    "ticketHash" TEXT,
    "ticketUsedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "ApplyHit" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "kind" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ApplyConsent" (
    "matterId" TEXT NOT NULL PRIMARY KEY,
    "noticeVersion" TEXT NOT NULL,
    "consentedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "MatterLink" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "matterId" TEXT NOT NULL,
    "partyId" TEXT NOT NULL,
    "fromEventId" INTEGER NOT NULL,
    "wechatOpenId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revokedAt" DATETIME
);

-- CreateTable
CREATE TABLE "EventCursor" (
    "consumer" TEXT NOT NULL PRIMARY KEY,
    "lastEventId" INTEGER NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "eventId" INTEGER,
    "matterId" TEXT NOT NULL,
    "linkId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "provider" TEXT,
    "recipient" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" DATETIME
);

-- CreateIndex
CREATE INDEX "ApplyCode_phoneKey_createdAt_idx" ON "ApplyCode"("phoneKey", "createdAt");

-- CreateIndex
CREATE INDEX "ApplyHit_kind_keyHash_at_idx" ON "ApplyHit"("kind", "keyHash", "at");

-- CreateIndex
CREATE INDEX "MatterLink_matterId_idx" ON "MatterLink"("matterId");

-- CreateIndex
CREATE INDEX "MatterLink_partyId_idx" ON "MatterLink"("partyId");

-- CreateIndex
CREATE INDEX "Notification_status_id_idx" ON "Notification"("status", "id");

-- CreateIndex
CREATE INDEX "Notification_matterId_idx" ON "Notification"("matterId");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_eventId_linkId_channel_key" ON "Notification"("eventId", "linkId", "channel");

