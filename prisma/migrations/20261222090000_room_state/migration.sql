-- A live room's state on a single node, so a restarted server brings its rooms back.
CREATE TABLE "RoomState" (
    "caseId" TEXT NOT NULL PRIMARY KEY,
    "snapshot" TEXT NOT NULL,
    "savedAt" DATETIME NOT NULL,
    "aliveAt" DATETIME NOT NULL
);
