-- A participant's details for the agreement and the court documents (住所, 送达地址, 民族; for an
-- organisation 统一社会信用代码, 法定代表人（负责人）and 职务).
ALTER TABLE "Participant" ADD COLUMN "personType" TEXT NOT NULL DEFAULT 'natural';
ALTER TABLE "Participant" ADD COLUMN "address" TEXT;
ALTER TABLE "Participant" ADD COLUMN "serviceAddress" TEXT;
ALTER TABLE "Participant" ADD COLUMN "ethnicity" TEXT;
ALTER TABLE "Participant" ADD COLUMN "creditCode" TEXT;
ALTER TABLE "Participant" ADD COLUMN "representative" TEXT;
ALTER TABLE "Participant" ADD COLUMN "representativeTitle" TEXT;
-- Until now the agreement guessed organisations from the name; keep that guess for existing parties.
UPDATE "Participant" SET "personType" = 'legal'
WHERE "role" IN ('APPLICANT', 'RESPONDENT')
  AND ("name" LIKE '%公司%' OR "name" LIKE '%银行%' OR "name" LIKE '%集团%' OR "name" LIKE '%有限%' OR "name" LIKE '%委员会%' OR "name" LIKE '%中心%'
    OR "name" LIKE '%事务所%' OR "name" LIKE '%合作社%' OR "name" LIKE '%学校%' OR "name" LIKE '%医院%' OR "name" LIKE '%厂%' OR "name" LIKE '%物业%');
