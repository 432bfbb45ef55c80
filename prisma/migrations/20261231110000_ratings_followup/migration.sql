-- #16 items 2–3: 评价 and 回访 — the 回访 form's other fields, the task's outcome note, its
-- 限时办结 steps and its sealed record PDF, and the follow-up policy in force.
ALTER TABLE "FollowUpRecord" ADD COLUMN "partyOpinion" TEXT NOT NULL DEFAULT '';
ALTER TABLE "FollowUpRecord" ADD COLUMN "performance" TEXT NOT NULL DEFAULT '';
ALTER TABLE "FollowUpTask" ADD COLUMN "outcomeNote" TEXT;
ALTER TABLE "FollowUpTask" ADD COLUMN "closedById" TEXT;
ALTER TABLE "FollowUpTask" ADD COLUMN "remindedAt" DATETIME;
ALTER TABLE "FollowUpTask" ADD COLUMN "escalatedAt" DATETIME;
ALTER TABLE "FollowUpTask" ADD COLUMN "recordPdf" BLOB;

CREATE TABLE "FollowUpPolicyInForce" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "policy" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- Open tasks by deadline (the reminder and 督办 scans).
CREATE INDEX "FollowUpTask_status_dueAt_idx" ON "FollowUpTask"("status", "dueAt");
