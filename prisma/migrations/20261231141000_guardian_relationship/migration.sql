-- A 法定代理人 is recorded with its relationship to the party (父母、祖父母、兄姐、其他监护人: 民法典 arts. 23, 27).
ALTER TABLE "Participant" ADD COLUMN "guardianRelationship" TEXT;
