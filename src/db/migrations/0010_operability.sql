CREATE TABLE "freeze_notices" (
	"message_id" text PRIMARY KEY NOT NULL,
	"application_id" text NOT NULL,
	"receiver" text NOT NULL,
	"event" text NOT NULL,
	"reason" text,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"last_status" integer,
	"last_error" text,
	"confirmed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "document_blobs" (
	"storage_name" text PRIMARY KEY NOT NULL,
	"bytes" "bytea" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "freeze_notices" ADD CONSTRAINT "freeze_notices_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "freeze_notices_application_idx" ON "freeze_notices" USING btree ("application_id");--> statement-breakpoint
CREATE INDEX "freeze_notices_due_idx" ON "freeze_notices" USING btree ("state","next_attempt_at");