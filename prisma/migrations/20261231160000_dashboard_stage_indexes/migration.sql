-- #16 dashboard: each stage's p90 walks a covering index of its duration from the long end (signaling/followup/dashboard/queries.ts).
CREATE INDEX "DashboardFact_registeredSec_receivedDay_unitId_idx" ON "DashboardFact"("registeredSec", "receivedDay", "unitId");
CREATE INDEX "DashboardFact_routedSec_receivedDay_unitId_idx" ON "DashboardFact"("routedSec", "receivedDay", "unitId");
CREATE INDEX "DashboardFact_acceptedSec_receivedDay_unitId_idx" ON "DashboardFact"("acceptedSec", "receivedDay", "unitId");
CREATE INDEX "DashboardFact_mediationSec_receivedDay_unitId_idx" ON "DashboardFact"("mediationSec", "receivedDay", "unitId");
CREATE INDEX "DashboardFact_judicialSec_receivedDay_unitId_idx" ON "DashboardFact"("judicialSec", "receivedDay", "unitId");
CREATE INDEX "DashboardFact_totalSec_receivedDay_unitId_idx" ON "DashboardFact"("totalSec", "receivedDay", "unitId");
