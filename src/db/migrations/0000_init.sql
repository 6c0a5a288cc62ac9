CREATE SCHEMA "shop";
--> statement-breakpoint
CREATE TABLE "password_resets" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"token_hash" text NOT NULL,
	"token_enc" text NOT NULL,
	"channel" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	CONSTRAINT "password_resets_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "recovery_codes" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"code_hash" text NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"user_id" text NOT NULL,
	"user_agent" text,
	"created_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"reauthenticated_until" timestamp with time zone,
	CONSTRAINT "sessions_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "sign_in_failures" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"subject_id" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"roles" text[] NOT NULL,
	"display_name_enc" text,
	"email_enc" text,
	"email_index" text,
	"email_verified" boolean DEFAULT false NOT NULL,
	"phone_enc" text,
	"phone_index" text,
	"phone_verified" boolean DEFAULT false NOT NULL,
	"password_hash" text,
	"totp_secret_enc" text,
	"totp_enabled" boolean DEFAULT false NOT NULL,
	"totp_last_step" integer,
	"anti_phishing_enc" text,
	"locale" text DEFAULT 'en' NOT NULL,
	"contact_changed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"erased_at" timestamp with time zone,
	CONSTRAINT "users_subject_id_unique" UNIQUE("subject_id")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"subject" text,
	"target" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "application_events" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigserial NOT NULL,
	"application_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"event" text NOT NULL,
	"detail" jsonb,
	"actor_role" text
);
--> statement-breakpoint
CREATE TABLE "application_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"application_id" text NOT NULL,
	"author_id" text,
	"author_role" text NOT NULL,
	"body_enc" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"read_by_buyer" boolean DEFAULT false NOT NULL,
	"read_by_reviewer" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "applications" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"status" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"reason_code" text NOT NULL,
	"reason_text_enc" text,
	"submitted_at" timestamp with time zone NOT NULL,
	"cycle_started_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"sla_remind_at" timestamp with time zone NOT NULL,
	"claimed_by" text,
	"claim_expires_at" timestamp with time zone,
	"risk_flags" text[] DEFAULT '{}'::text[] NOT NULL,
	"first_approval_by" text,
	"decision_outcome" text,
	"decision_reason_code" text,
	"decision_message_enc" text,
	"decided_at" timestamp with time zone,
	"decided_by" text,
	"grace_ends_at" timestamp with time zone,
	"erased_at" timestamp with time zone,
	"certificate_id" text,
	"sla_reminder_sent_at" timestamp with time zone,
	"sla_breached_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"user_id" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer NOT NULL,
	"response" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "service_clock" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"offset_ms" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"application_id" text,
	"kind" text NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"media_type" text NOT NULL,
	"byte_size" integer NOT NULL,
	"storage_name" text NOT NULL,
	"wrapped_key" text,
	"created_at" timestamp with time zone NOT NULL,
	"attached_at" timestamp with time zone,
	"destroyed_at" timestamp with time zone,
	"destroy_reason" text,
	"file_removed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "deletion_certificates" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"jws" text NOT NULL,
	"payload" jsonb NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	CONSTRAINT "deletion_certificates_run_id_unique" UNIQUE("run_id")
);
--> statement-breakpoint
CREATE TABLE "erasure_confirmations" (
	"callback_id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"name" text NOT NULL,
	"outcome" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "erasure_downstream" (
	"run_id" text NOT NULL,
	"name" text NOT NULL,
	"message_id" text NOT NULL,
	"state" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"first_attempt_at" timestamp with time zone,
	"next_attempt_at" timestamp with time zone,
	"lease_until" timestamp with time zone,
	"last_status" integer,
	"last_error" text,
	"delivered_at" timestamp with time zone,
	"confirmed_at" timestamp with time zone,
	"outcome" text,
	"exception_reason" text,
	"exception_by" text,
	CONSTRAINT "erasure_downstream_run_id_name_pk" PRIMARY KEY("run_id","name")
);
--> statement-breakpoint
CREATE TABLE "erasure_quarantine" (
	"identifier_hash" text PRIMARY KEY NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "erasure_retentions" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"store" text NOT NULL,
	"table_name" text NOT NULL,
	"rows" bigint NOT NULL,
	"legal_basis" text NOT NULL,
	"period" text NOT NULL,
	"first_purge_after" timestamp with time zone NOT NULL,
	"purge_after" timestamp with time zone NOT NULL,
	"purged_at" timestamp with time zone,
	"purged_rows" bigint
);
--> statement-breakpoint
CREATE TABLE "erasure_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"application_id" text NOT NULL,
	"user_id" text NOT NULL,
	"subject_id" text NOT NULL,
	"state" text NOT NULL,
	"datamap_hash" text NOT NULL,
	"categories" text[] DEFAULT '{}'::text[] NOT NULL,
	"secrets_enc" text,
	"started_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"local_done_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"failed_at" timestamp with time zone,
	"failure_reason" text,
	"certificate_id" text
);
--> statement-breakpoint
CREATE TABLE "erasure_steps" (
	"run_id" text NOT NULL,
	"seq" integer NOT NULL,
	"spec" jsonb NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"rows" bigint,
	"result" jsonb,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"retry_at" timestamp with time zone,
	"lease_until" timestamp with time zone,
	"done_at" timestamp with time zone,
	CONSTRAINT "erasure_steps_run_id_seq_pk" PRIMARY KEY("run_id","seq")
);
--> statement-breakpoint
CREATE TABLE "erasure_webhook_endpoints" (
	"name" text PRIMARY KEY NOT NULL,
	"disabled_at" timestamp with time zone,
	"disabled_reason" text,
	"last_success_at" timestamp with time zone,
	"last_failure_at" timestamp with time zone,
	"last_status" integer,
	"consecutive_failures" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"count" integer NOT NULL,
	"window_ends_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "guidance_templates" (
	"reason_code" text NOT NULL,
	"locale" text NOT NULL,
	"body" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" text,
	CONSTRAINT "guidance_templates_reason_code_locale_pk" PRIMARY KEY("reason_code","locale")
);
--> statement-breakpoint
CREATE TABLE "shop"."browsing_history" (
	"id" text PRIMARY KEY NOT NULL,
	"buyer_id" text NOT NULL,
	"product_name" text NOT NULL,
	"viewed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop"."coupons" (
	"id" text PRIMARY KEY NOT NULL,
	"buyer_id" text NOT NULL,
	"code" text NOT NULL,
	"value_minor" bigint NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"status" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"issued_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop"."disputes" (
	"id" text PRIMARY KEY NOT NULL,
	"buyer_id" text NOT NULL,
	"order_id" text,
	"status" text NOT NULL,
	"reason" text,
	"opened_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "shop"."order_items" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"product_name" text NOT NULL,
	"qty" integer NOT NULL,
	"price_minor" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop"."orders" (
	"id" text PRIMARY KEY NOT NULL,
	"buyer_id" text NOT NULL,
	"status" text NOT NULL,
	"total_minor" bigint NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"shipping_address_id" text,
	"placed_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop"."payments" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"buyer_id" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"method" text NOT NULL,
	"status" text NOT NULL,
	"paid_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop"."points_balances" (
	"buyer_id" text PRIMARY KEY NOT NULL,
	"points" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop"."product_reviews" (
	"id" text PRIMARY KEY NOT NULL,
	"buyer_id" text NOT NULL,
	"order_id" text,
	"product_name" text NOT NULL,
	"rating" integer NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop"."refunds" (
	"id" text PRIMARY KEY NOT NULL,
	"buyer_id" text NOT NULL,
	"order_id" text,
	"status" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "shop"."seller_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"buyer_id" text NOT NULL,
	"order_id" text,
	"seller_name" text NOT NULL,
	"direction" text NOT NULL,
	"body" text NOT NULL,
	"sent_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop"."shipping_addresses" (
	"id" text PRIMARY KEY NOT NULL,
	"buyer_id" text NOT NULL,
	"name" text NOT NULL,
	"phone" text NOT NULL,
	"line1" text NOT NULL,
	"city" text NOT NULL,
	"country" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shop"."subscriptions" (
	"id" text PRIMARY KEY NOT NULL,
	"buyer_id" text NOT NULL,
	"plan_name" text NOT NULL,
	"status" text NOT NULL,
	"price_minor" bigint NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"renews_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "shop"."wallets" (
	"buyer_id" text PRIMARY KEY NOT NULL,
	"balance_minor" bigint DEFAULT 0 NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "password_resets" ADD CONSTRAINT "password_resets_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recovery_codes" ADD CONSTRAINT "recovery_codes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sign_in_failures" ADD CONSTRAINT "sign_in_failures_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application_events" ADD CONSTRAINT "application_events_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application_messages" ADD CONSTRAINT "application_messages_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application_messages" ADD CONSTRAINT "application_messages_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_claimed_by_users_id_fk" FOREIGN KEY ("claimed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_first_approval_by_users_id_fk" FOREIGN KEY ("first_approval_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deletion_certificates" ADD CONSTRAINT "deletion_certificates_run_id_erasure_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."erasure_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erasure_confirmations" ADD CONSTRAINT "erasure_confirmations_run_id_erasure_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."erasure_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erasure_downstream" ADD CONSTRAINT "erasure_downstream_run_id_erasure_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."erasure_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erasure_retentions" ADD CONSTRAINT "erasure_retentions_run_id_erasure_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."erasure_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erasure_runs" ADD CONSTRAINT "erasure_runs_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erasure_runs" ADD CONSTRAINT "erasure_runs_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erasure_steps" ADD CONSTRAINT "erasure_steps_run_id_erasure_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."erasure_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "guidance_templates" ADD CONSTRAINT "guidance_templates_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop"."browsing_history" ADD CONSTRAINT "browsing_history_buyer_id_users_id_fk" FOREIGN KEY ("buyer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop"."coupons" ADD CONSTRAINT "coupons_buyer_id_users_id_fk" FOREIGN KEY ("buyer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop"."disputes" ADD CONSTRAINT "disputes_buyer_id_users_id_fk" FOREIGN KEY ("buyer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop"."disputes" ADD CONSTRAINT "disputes_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "shop"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop"."order_items" ADD CONSTRAINT "order_items_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "shop"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop"."orders" ADD CONSTRAINT "orders_buyer_id_users_id_fk" FOREIGN KEY ("buyer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop"."orders" ADD CONSTRAINT "orders_shipping_address_id_shipping_addresses_id_fk" FOREIGN KEY ("shipping_address_id") REFERENCES "shop"."shipping_addresses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop"."payments" ADD CONSTRAINT "payments_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "shop"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop"."payments" ADD CONSTRAINT "payments_buyer_id_users_id_fk" FOREIGN KEY ("buyer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop"."points_balances" ADD CONSTRAINT "points_balances_buyer_id_users_id_fk" FOREIGN KEY ("buyer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop"."product_reviews" ADD CONSTRAINT "product_reviews_buyer_id_users_id_fk" FOREIGN KEY ("buyer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop"."product_reviews" ADD CONSTRAINT "product_reviews_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "shop"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop"."refunds" ADD CONSTRAINT "refunds_buyer_id_users_id_fk" FOREIGN KEY ("buyer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop"."refunds" ADD CONSTRAINT "refunds_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "shop"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop"."seller_messages" ADD CONSTRAINT "seller_messages_buyer_id_users_id_fk" FOREIGN KEY ("buyer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop"."seller_messages" ADD CONSTRAINT "seller_messages_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "shop"."orders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop"."shipping_addresses" ADD CONSTRAINT "shipping_addresses_buyer_id_users_id_fk" FOREIGN KEY ("buyer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop"."subscriptions" ADD CONSTRAINT "subscriptions_buyer_id_users_id_fk" FOREIGN KEY ("buyer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shop"."wallets" ADD CONSTRAINT "wallets_buyer_id_users_id_fk" FOREIGN KEY ("buyer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "password_resets_user_idx" ON "password_resets" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "recovery_codes_user_idx" ON "recovery_codes" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "sign_in_failures_user_idx" ON "sign_in_failures" USING btree ("user_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_index_uq" ON "users" USING btree ("email_index");--> statement-breakpoint
CREATE UNIQUE INDEX "users_phone_index_uq" ON "users" USING btree ("phone_index");--> statement-breakpoint
CREATE INDEX "audit_log_subject_idx" ON "audit_log" USING btree ("subject","seq");--> statement-breakpoint
CREATE INDEX "application_events_app_idx" ON "application_events" USING btree ("application_id","seq");--> statement-breakpoint
CREATE INDEX "application_events_decision_idx" ON "application_events" USING btree ("event","at");--> statement-breakpoint
CREATE INDEX "application_messages_app_idx" ON "application_messages" USING btree ("application_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "applications_one_open_per_user" ON "applications" USING btree ("user_id") WHERE status NOT IN ('rejected', 'withdrawn', 'erased');--> statement-breakpoint
CREATE INDEX "applications_queue_idx" ON "applications" USING btree ("status","due_at","id");--> statement-breakpoint
CREATE INDEX "applications_due_idx" ON "applications" USING btree ("due_at","id");--> statement-breakpoint
CREATE INDEX "applications_user_idx" ON "applications" USING btree ("user_id","submitted_at");--> statement-breakpoint
CREATE INDEX "applications_grace_idx" ON "applications" USING btree ("grace_ends_at") WHERE status = 'grace';--> statement-breakpoint
CREATE INDEX "applications_sla_idx" ON "applications" USING btree ("sla_remind_at") WHERE status IN ('submitted', 'in_review');--> statement-breakpoint
CREATE INDEX "applications_sla_due_idx" ON "applications" USING btree ("due_at","id") WHERE status IN ('submitted', 'in_review');--> statement-breakpoint
CREATE UNIQUE INDEX "idempotency_keys_pk" ON "idempotency_keys" USING btree ("user_id","key");--> statement-breakpoint
CREATE UNIQUE INDEX "documents_storage_name_uq" ON "documents" USING btree ("storage_name");--> statement-breakpoint
CREATE INDEX "documents_user_idx" ON "documents" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE INDEX "documents_application_idx" ON "documents" USING btree ("application_id");--> statement-breakpoint
CREATE INDEX "documents_unattached_idx" ON "documents" USING btree ("created_at") WHERE application_id IS NULL AND destroyed_at IS NULL;--> statement-breakpoint
CREATE INDEX "documents_file_pending_idx" ON "documents" USING btree ("destroyed_at") WHERE destroyed_at IS NOT NULL AND file_removed_at IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "erasure_downstream_message_uq" ON "erasure_downstream" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "erasure_downstream_due_idx" ON "erasure_downstream" USING btree ("state","next_attempt_at");--> statement-breakpoint
CREATE INDEX "erasure_quarantine_expires_idx" ON "erasure_quarantine" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "erasure_retentions_run_table_uq" ON "erasure_retentions" USING btree ("run_id","store","table_name");--> statement-breakpoint
CREATE INDEX "erasure_retentions_due_idx" ON "erasure_retentions" USING btree ("purged_at","first_purge_after");--> statement-breakpoint
CREATE UNIQUE INDEX "erasure_runs_application_uq" ON "erasure_runs" USING btree ("application_id");--> statement-breakpoint
CREATE INDEX "erasure_runs_state_idx" ON "erasure_runs" USING btree ("state","updated_at");--> statement-breakpoint
CREATE INDEX "shop_browsing_history_buyer_idx" ON "shop"."browsing_history" USING btree ("buyer_id","viewed_at");--> statement-breakpoint
CREATE INDEX "shop_coupons_buyer_status_idx" ON "shop"."coupons" USING btree ("buyer_id","status","expires_at");--> statement-breakpoint
CREATE INDEX "shop_disputes_buyer_status_idx" ON "shop"."disputes" USING btree ("buyer_id","status");--> statement-breakpoint
CREATE INDEX "shop_order_items_order_idx" ON "shop"."order_items" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "shop_orders_buyer_status_idx" ON "shop"."orders" USING btree ("buyer_id","status");--> statement-breakpoint
CREATE INDEX "shop_orders_buyer_placed_idx" ON "shop"."orders" USING btree ("buyer_id","placed_at","id");--> statement-breakpoint
CREATE INDEX "shop_payments_buyer_idx" ON "shop"."payments" USING btree ("buyer_id");--> statement-breakpoint
CREATE INDEX "shop_payments_order_idx" ON "shop"."payments" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "shop_product_reviews_buyer_idx" ON "shop"."product_reviews" USING btree ("buyer_id");--> statement-breakpoint
CREATE INDEX "shop_refunds_buyer_status_idx" ON "shop"."refunds" USING btree ("buyer_id","status");--> statement-breakpoint
CREATE INDEX "shop_seller_messages_buyer_idx" ON "shop"."seller_messages" USING btree ("buyer_id");--> statement-breakpoint
CREATE INDEX "shop_shipping_addresses_buyer_idx" ON "shop"."shipping_addresses" USING btree ("buyer_id");--> statement-breakpoint
CREATE INDEX "shop_subscriptions_buyer_status_idx" ON "shop"."subscriptions" USING btree ("buyer_id","status");