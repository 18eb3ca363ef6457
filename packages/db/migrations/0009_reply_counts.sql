CREATE TABLE "reply_counts" (
	"target_type" "reply_target" NOT NULL,
	"target_id" bigint NOT NULL,
	"total" bigint NOT NULL,
	CONSTRAINT "reply_counts_target_type_target_id_pk" PRIMARY KEY("target_type","target_id")
);
--> statement-breakpoint
-- Kept by the database itself, so every writer (services, seed, transfer import, psql) keeps it true.
-- Statement-level with transition tables: a bulk insert of 100,000 replies updates each thread's row once.
CREATE FUNCTION "reply_counts_add"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO reply_counts (target_type, target_id, total)
  SELECT target_type, target_id, count(*) FROM inserted_replies GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (target_type, target_id) DO UPDATE SET total = reply_counts.total + excluded.total;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION "reply_counts_remove"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE reply_counts c SET total = c.total - d.n
  FROM (SELECT target_type, target_id, count(*) AS n FROM removed_replies GROUP BY 1, 2) d
  WHERE c.target_type = d.target_type AND c.target_id = d.target_id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION "reply_counts_clear"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM reply_counts;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "replies_count_insert" AFTER INSERT ON "replies"
  REFERENCING NEW TABLE AS inserted_replies FOR EACH STATEMENT EXECUTE FUNCTION "reply_counts_add"();
--> statement-breakpoint
CREATE TRIGGER "replies_count_delete" AFTER DELETE ON "replies"
  REFERENCING OLD TABLE AS removed_replies FOR EACH STATEMENT EXECUTE FUNCTION "reply_counts_remove"();
--> statement-breakpoint
CREATE TRIGGER "replies_count_truncate" AFTER TRUNCATE ON "replies"
  FOR EACH STATEMENT EXECUTE FUNCTION "reply_counts_clear"();
--> statement-breakpoint
INSERT INTO "reply_counts" ("target_type", "target_id", "total")
SELECT "target_type", "target_id", count(*) FROM "replies" GROUP BY 1, 2;
