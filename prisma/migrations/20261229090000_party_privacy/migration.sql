-- #17 item 11: a party's privacy-notice acknowledgement and separate consents (PIPL arts. 17, 23, 29).
CREATE TABLE "PartyPrivacyConsent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "participantId" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "noticeVersion" TEXT NOT NULL,
    "givenAt" DATETIME NOT NULL,
    "withdrawnAt" DATETIME,
    CONSTRAINT "PartyPrivacyConsent_participantId_fkey" FOREIGN KEY ("participantId") REFERENCES "Participant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE UNIQUE INDEX "PartyPrivacyConsent_participantId_purpose_key" ON "PartyPrivacyConsent"("participantId", "purpose");
