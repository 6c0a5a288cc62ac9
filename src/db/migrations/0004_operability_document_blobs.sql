CREATE TABLE "document_blobs" (
	"storage_name" text PRIMARY KEY NOT NULL,
	"bytes" "bytea" NOT NULL
);
