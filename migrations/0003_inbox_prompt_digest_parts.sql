-- Hand edit: drizzle-kit copied a `part` column the old digest_deliveries lacks; existing rows were whole
-- deliveries (picture, then text), so they are kept as the text part, which is what marks a chat as served.
CREATE TABLE `inbox_updates` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`update_id` integer NOT NULL,
	`queue_key` text NOT NULL,
	`payload` text,
	`received_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`retry_at` integer,
	`done_at` integer,
	`outcome` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbox_updates_update_id` ON `inbox_updates` (`update_id`);--> statement-breakpoint
CREATE INDEX `inbox_updates_unfinished` ON `inbox_updates` (`seq`) WHERE "inbox_updates"."done_at" IS NULL;--> statement-breakpoint
CREATE INDEX `inbox_updates_done_at` ON `inbox_updates` (`done_at`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_digest_deliveries` (
	`run_key` text NOT NULL,
	`chat_id` integer NOT NULL,
	`part` text DEFAULT 'text' NOT NULL,
	`sent_at` integer NOT NULL,
	PRIMARY KEY(`run_key`, `chat_id`, `part`)
);
--> statement-breakpoint
INSERT INTO `__new_digest_deliveries`("run_key", "chat_id", "part", "sent_at") SELECT "run_key", "chat_id", 'text', "sent_at" FROM `digest_deliveries`;--> statement-breakpoint
DROP TABLE `digest_deliveries`;--> statement-breakpoint
ALTER TABLE `__new_digest_deliveries` RENAME TO `digest_deliveries`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
ALTER TABLE `contacts` ADD `prompt_shows` text;