-- CreateTable
CREATE TABLE "Centre" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "shortName" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "RegistrationCounter" (
    "centreId" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "last" INTEGER NOT NULL,

    PRIMARY KEY ("centreId", "year")
);

-- CreateTable
CREATE TABLE "Matter" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "registrationNo" TEXT NOT NULL,
    "centreId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "disputeType" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "place" TEXT,
    "areaCode" TEXT,
    "amountFen" INTEGER,
    "urgency" TEXT NOT NULL DEFAULT 'NORMAL',
    "status" TEXT NOT NULL,
    "ownerUnitId" TEXT NOT NULL,
    "ownerUserId" TEXT NOT NULL,
    "pendingUnitId" TEXT,
    "stageDueAt" DATETIME,
    "registeredById" TEXT,
    "riskFlags" TEXT NOT NULL DEFAULT '[]',
    "caseId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Matter_centreId_fkey" FOREIGN KEY ("centreId") REFERENCES "Centre" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Matter_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MatterParty" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "matterId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'PERSON',
    "name" TEXT NOT NULL,
    "nameIndex" TEXT,
    "phone" TEXT,
    "phoneIndex" TEXT,
    "idNumber" TEXT,
    "idNumberIndex" TEXT,
    "address" TEXT,
    "phoneVerified" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "MatterParty_matterId_fkey" FOREIGN KEY ("matterId") REFERENCES "Matter" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MatterOwnership" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "matterId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "fromAt" DATETIME NOT NULL,
    "toAt" DATETIME,
    "reason" TEXT NOT NULL,
    CONSTRAINT "MatterOwnership_matterId_fkey" FOREIGN KEY ("matterId") REFERENCES "Matter" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MatterEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "matterId" TEXT NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "type" TEXT NOT NULL,
    "actorLabel" TEXT NOT NULL,
    "data" TEXT NOT NULL DEFAULT '{}',
    CONSTRAINT "MatterEvent_matterId_fkey" FOREIGN KEY ("matterId") REFERENCES "Matter" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MatterAttachment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "matterId" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "mime" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "bytes" BLOB NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MatterAttachment_matterId_fkey" FOREIGN KEY ("matterId") REFERENCES "Matter" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Organisation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "centreId" TEXT,
    "kind" TEXT NOT NULL DEFAULT 'PEOPLES_MEDIATION',
    "code" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "shortName" TEXT NOT NULL,
    "phone" TEXT,
    "sealPng" BLOB,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Organisation_centreId_fkey" FOREIGN KEY ("centreId") REFERENCES "Centre" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Organisation" ("createdAt", "id", "name", "phone", "sealPng", "shortName") SELECT "createdAt", "id", "name", "phone", "sealPng", "shortName" FROM "Organisation";
DROP TABLE "Organisation";
ALTER TABLE "new_Organisation" RENAME TO "Organisation";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Matter_registrationNo_key" ON "Matter"("registrationNo");

-- CreateIndex
CREATE UNIQUE INDEX "Matter_caseId_key" ON "Matter"("caseId");

-- CreateIndex
CREATE INDEX "Matter_ownerUnitId_status_idx" ON "Matter"("ownerUnitId", "status");

-- CreateIndex
CREATE INDEX "Matter_ownerUserId_status_idx" ON "Matter"("ownerUserId", "status");

-- CreateIndex
CREATE INDEX "Matter_pendingUnitId_idx" ON "Matter"("pendingUnitId");

-- CreateIndex
CREATE INDEX "Matter_centreId_createdAt_idx" ON "Matter"("centreId", "createdAt");

-- CreateIndex
CREATE INDEX "MatterParty_matterId_idx" ON "MatterParty"("matterId");

-- CreateIndex
CREATE INDEX "MatterParty_nameIndex_idx" ON "MatterParty"("nameIndex");

-- CreateIndex
CREATE INDEX "MatterParty_phoneIndex_idx" ON "MatterParty"("phoneIndex");

-- CreateIndex
CREATE INDEX "MatterParty_idNumberIndex_idx" ON "MatterParty"("idNumberIndex");

-- CreateIndex
CREATE INDEX "MatterOwnership_matterId_toAt_idx" ON "MatterOwnership"("matterId", "toAt");

-- CreateIndex
CREATE INDEX "MatterOwnership_userId_toAt_idx" ON "MatterOwnership"("userId", "toAt");

-- CreateIndex
CREATE INDEX "MatterEvent_matterId_id_idx" ON "MatterEvent"("matterId", "id");

-- CreateIndex
CREATE INDEX "MatterAttachment_matterId_idx" ON "MatterAttachment"("matterId");

