DROP INDEX "replies_thread_idx";--> statement-breakpoint
DROP INDEX "replies_parent_idx";--> statement-breakpoint
CREATE INDEX "replies_thread_idx" ON "replies" USING btree ("target_type","target_id","parent_id","id");--> statement-breakpoint
CREATE INDEX "replies_parent_idx" ON "replies" USING btree ("parent_id","id");