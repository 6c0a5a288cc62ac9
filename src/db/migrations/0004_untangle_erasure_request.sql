ALTER TABLE "erasure_runs" DROP CONSTRAINT "erasure_runs_application_id_applications_id_fk";
--> statement-breakpoint
ALTER TABLE "erasure_runs" ADD COLUMN "requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "erasure_runs" ADD COLUMN "approved_at" timestamp with time zone;--> statement-breakpoint
-- Runs started before the engine stored the request's times: copy them from their application once.
UPDATE "erasure_runs" AS r SET "requested_at" = a."submitted_at", "approved_at" = a."decided_at" FROM "applications" AS a WHERE a."id" = r."application_id";
