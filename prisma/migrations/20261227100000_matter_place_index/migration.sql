-- AlterTable: the duplicate check looks matters up by the same place (keyed blind index).
ALTER TABLE "Matter" ADD COLUMN "placeIndex" TEXT;

-- CreateIndex
CREATE INDEX "Matter_placeIndex_disputeType_idx" ON "Matter"("placeIndex", "disputeType");
