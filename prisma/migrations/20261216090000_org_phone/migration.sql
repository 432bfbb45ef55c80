-- The unit's phone, shown on a party's link error page.
ALTER TABLE "Organisation" ADD COLUMN "phone" TEXT;
