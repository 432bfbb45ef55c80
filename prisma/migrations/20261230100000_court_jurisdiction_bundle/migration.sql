-- #17 item 10: court bundles exported for courts that rule on their own platform.
CREATE TABLE "JudicialCourtBundle" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "applicationId" TEXT NOT NULL,
    "manifestSha256" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdBy" TEXT NOT NULL,
    "rulingImportedAt" DATETIME,
    CONSTRAINT "JudicialCourtBundle_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "JudicialApplication" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- #17 item 9: a case a court sent (invited / delegated / entrusted) goes back to that court; the amount in dispute.
ALTER TABLE "Case" ADD COLUMN "referringCourtId" TEXT;
ALTER TABLE "Case" ADD COLUMN "referralKind" TEXT;
ALTER TABLE "JudicialApplication" ADD COLUMN "disputeAmountYuan" REAL;
