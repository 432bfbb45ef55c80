-- #16 item 5 电子卷宗: what an archived case's record keeps besides the shared columns — how the case
-- ended, the basis of its retention period, and the sealed dossier itself (bytes sealed at rest).
ALTER TABLE "CaseArchive" ADD COLUMN "outcome" TEXT NOT NULL DEFAULT '';
ALTER TABLE "CaseArchive" ADD COLUMN "retentionBasis" TEXT NOT NULL DEFAULT '';
ALTER TABLE "CaseArchive" ADD COLUMN "dossierPdf" BLOB;
ALTER TABLE "CaseArchive" ADD COLUMN "dossierPages" INTEGER;
