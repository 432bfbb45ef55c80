-- #16 item 1: reminders of 履行 go to the party's phone by SMS (an outbox on the reminder's own row).
ALTER TABLE "ObligationEvent" ADD COLUMN "sendStatus" TEXT;
ALTER TABLE "ObligationEvent" ADD COLUMN "sentAt" DATETIME;
ALTER TABLE "ObligationEvent" ADD COLUMN "sendError" TEXT;
CREATE INDEX "ObligationEvent_sendStatus_idx" ON "ObligationEvent"("sendStatus");
