CREATE TABLE "mail_deliveries" (
	"dedupe_key" text PRIMARY KEY NOT NULL,
	"job_id" text,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "mail_deliveries_claimed_at_idx" ON "mail_deliveries" USING btree ("claimed_at");