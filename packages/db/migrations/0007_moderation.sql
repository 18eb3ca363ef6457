CREATE TYPE "public"."close_reason" AS ENUM('duplicate', 'off-topic', 'needs-details', 'opinion-based');--> statement-breakpoint
CREATE TYPE "public"."close_vote_kind" AS ENUM('close', 'reopen');--> statement-breakpoint
CREATE TYPE "public"."close_vote_state" AS ENUM('active', 'spent', 'expired', 'dismissed');--> statement-breakpoint
CREATE TYPE "public"."flag_reason" AS ENUM('spam', 'rude', 'off-topic', 'duplicate', 'needs-moderator');--> statement-breakpoint
CREATE TYPE "public"."flag_status" AS ENUM('open', 'upheld', 'dismissed');--> statement-breakpoint
CREATE TYPE "public"."review_queue" AS ENUM('flags', 'first-posts', 'suggested-edits', 'close-votes');--> statement-breakpoint
CREATE TYPE "public"."suggested_edit_state" AS ENUM('pending', 'approved', 'rejected');--> statement-breakpoint
CREATE TABLE "close_votes" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "close_votes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"question_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"kind" "close_vote_kind" NOT NULL,
	"reason" "close_reason",
	"duplicate_of_id" bigint,
	"state" "close_vote_state" DEFAULT 'active' NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "flags" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "flags_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"target_type" "reaction_target" NOT NULL,
	"target_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"reason" "flag_reason" NOT NULL,
	"note" text,
	"status" "flag_status" DEFAULT 'open' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "review_items" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "review_items_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"queue" "review_queue" NOT NULL,
	"target_type" "reaction_target" NOT NULL,
	"target_id" bigint NOT NULL,
	"suggested_edit_id" bigint,
	"action" text,
	"resolved_by_id" bigint,
	"resolved_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "suggested_edits" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "suggested_edits_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"target_type" "revision_target" NOT NULL,
	"target_id" bigint NOT NULL,
	"author_id" bigint NOT NULL,
	"base_title" text,
	"base_body" text NOT NULL,
	"base_tags" text[],
	"title" text,
	"body" text NOT NULL,
	"tags" text[],
	"comment" text,
	"state" "suggested_edit_state" DEFAULT 'pending' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "answers" ADD COLUMN "hidden_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "questions" ADD COLUMN "hidden_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "questions" ADD COLUMN "closed_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "questions" ADD COLUMN "close_reason" "close_reason";--> statement-breakpoint
ALTER TABLE "questions" ADD COLUMN "closed_by_id" bigint;--> statement-breakpoint
ALTER TABLE "questions" ADD COLUMN "duplicate_of_id" bigint;--> statement-breakpoint
ALTER TABLE "replies" ADD COLUMN "hidden_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "close_votes" ADD CONSTRAINT "close_votes_question_id_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."questions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "close_votes" ADD CONSTRAINT "close_votes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "close_votes" ADD CONSTRAINT "close_votes_duplicate_of_id_questions_id_fk" FOREIGN KEY ("duplicate_of_id") REFERENCES "public"."questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flags" ADD CONSTRAINT "flags_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_suggested_edit_id_suggested_edits_id_fk" FOREIGN KEY ("suggested_edit_id") REFERENCES "public"."suggested_edits"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_items" ADD CONSTRAINT "review_items_resolved_by_id_users_id_fk" FOREIGN KEY ("resolved_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suggested_edits" ADD CONSTRAINT "suggested_edits_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "close_votes_active_idx" ON "close_votes" USING btree ("question_id","user_id","kind") WHERE "close_votes"."state" = 'active';--> statement-breakpoint
CREATE UNIQUE INDEX "flags_open_user_idx" ON "flags" USING btree ("user_id","target_type","target_id") WHERE "flags"."status" = 'open';--> statement-breakpoint
CREATE INDEX "flags_target_idx" ON "flags" USING btree ("target_type","target_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "review_items_open_idx" ON "review_items" USING btree ("queue","target_type","target_id",coalesce("suggested_edit_id", 0)) WHERE "review_items"."resolved_at" is null;--> statement-breakpoint
CREATE INDEX "review_items_queue_idx" ON "review_items" USING btree ("queue","id") WHERE "review_items"."resolved_at" is null;--> statement-breakpoint
CREATE INDEX "review_items_resolved_idx" ON "review_items" USING btree ("resolved_at" DESC NULLS FIRST,"id");--> statement-breakpoint
CREATE INDEX "suggested_edits_target_idx" ON "suggested_edits" USING btree ("target_type","target_id","state");--> statement-breakpoint
ALTER TABLE "questions" ADD CONSTRAINT "questions_closed_by_id_users_id_fk" FOREIGN KEY ("closed_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "questions" ADD CONSTRAINT "questions_duplicate_of_id_questions_id_fk" FOREIGN KEY ("duplicate_of_id") REFERENCES "public"."questions"("id") ON DELETE no action ON UPDATE no action;