-- round_participants is WITHOUT ROWID (added by hand): its rows are stored in chat id order, with no insertion order to match against responses.
CREATE TABLE `coverage_targets` (
	`tag` text PRIMARY KEY NOT NULL,
	`target` integer NOT NULL,
	`set_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `round_feedback` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`round_id` integer NOT NULL,
	`text` text NOT NULL,
	`status` text NOT NULL,
	`participants` integer DEFAULT 0 NOT NULL,
	`delivered` integer DEFAULT 0 NOT NULL,
	`skipped` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`confirmed_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `round_feedback_once` ON `round_feedback` (`round_id`) WHERE "round_feedback"."status" IN ('sending', 'sent');--> statement-breakpoint
CREATE TABLE `round_participants` (
	`round_id` integer NOT NULL,
	`chat_id` integer NOT NULL,
	PRIMARY KEY(`round_id`, `chat_id`),
	FOREIGN KEY (`round_id`) REFERENCES `rounds`(`id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;
