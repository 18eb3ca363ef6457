ALTER TYPE "public"."notification_type" ADD VALUE 'badge';--> statement-breakpoint
CREATE TABLE "badges" (
	"user_id" bigint NOT NULL,
	"badge" text NOT NULL,
	"awarded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "badges_user_id_badge_pk" PRIMARY KEY("user_id","badge")
);
--> statement-breakpoint
ALTER TABLE "notifications" ADD COLUMN "badge" text;--> statement-breakpoint
ALTER TABLE "badges" ADD CONSTRAINT "badges_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "badges_awarded_idx" ON "badges" USING btree ("user_id","awarded_at");