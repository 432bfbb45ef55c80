-- Keyed blind indexes (HMAC-SHA256) of the sealed phone and ID number, for lookups by value.
ALTER TABLE "Participant" ADD COLUMN "phoneIndex" TEXT;
ALTER TABLE "Participant" ADD COLUMN "idNumberIndex" TEXT;

-- CreateIndex
CREATE INDEX "Participant_phoneIndex_idx" ON "Participant"("phoneIndex");

-- CreateIndex
CREATE INDEX "Participant_idNumberIndex_idx" ON "Participant"("idNumberIndex");
