CREATE TABLE "deployment" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"database_id" text NOT NULL,
	"key_store_id" text,
	"bound_at" timestamp with time zone
);
