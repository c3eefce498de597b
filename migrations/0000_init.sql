CREATE TABLE `answers` (
	`response_id` integer NOT NULL,
	`question_id` text NOT NULL,
	`value` text,
	`score` integer,
	`skipped` integer DEFAULT false NOT NULL,
	`answered_at` integer NOT NULL,
	PRIMARY KEY(`response_id`, `question_id`),
	FOREIGN KEY (`response_id`) REFERENCES `responses`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `answers_question` ON `answers` (`question_id`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`chat_id` integer PRIMARY KEY NOT NULL,
	`language` text,
	`opted_out` integer DEFAULT false NOT NULL,
	`prompt_message_id` integer,
	`first_seen_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `responses` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`round_id` integer NOT NULL,
	`respondent_key` text NOT NULL,
	`status` text DEFAULT 'partial' NOT NULL,
	`language` text NOT NULL,
	`source` text,
	`cursor` text,
	`draft` text,
	`last_update_id` integer DEFAULT 0 NOT NULL,
	`started_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`completed_at` integer,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `responses_one_per_respondent` ON `responses` (`round_id`,`respondent_key`);--> statement-breakpoint
CREATE INDEX `responses_round_status` ON `responses` (`round_id`,`status`);--> statement-breakpoint
CREATE TABLE `rounds` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`questionnaire` text NOT NULL,
	`opened_at` integer NOT NULL,
	`closes_at` integer,
	`closed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rounds_one_open` ON `rounds` (("closed_at" IS NULL)) WHERE "rounds"."closed_at" IS NULL;--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
