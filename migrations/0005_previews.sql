CREATE TABLE `previews` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`chat_id` integer NOT NULL,
	`questionnaire` text NOT NULL,
	`language` text NOT NULL,
	`cursor` text,
	`answers` text NOT NULL,
	`draft` text,
	`last_update_id` integer NOT NULL,
	`prompt_message_id` integer,
	`prompt_shows` text,
	`started_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `previews_chat_id_unique` ON `previews` (`chat_id`);