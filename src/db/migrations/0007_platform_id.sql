CREATE SCHEMA "platform";
--> statement-breakpoint
CREATE TABLE "platform"."loyalty_members" (
	"external_id" text PRIMARY KEY NOT NULL,
	"nickname" text,
	"tier" text NOT NULL,
	"points" integer DEFAULT 0 NOT NULL,
	"joined_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "external_identities" ADD COLUMN "external_id_enc" text;