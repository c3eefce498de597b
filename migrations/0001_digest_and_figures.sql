CREATE TABLE `digest_deliveries` (
	`run_key` text NOT NULL,
	`chat_id` integer NOT NULL,
	`sent_at` integer NOT NULL,
	PRIMARY KEY(`run_key`, `chat_id`)
);
--> statement-breakpoint
DROP INDEX `answers_question`;--> statement-breakpoint
CREATE INDEX `answers_figures` ON `answers` (`question_id`,`value`,`response_id`,`skipped`,`score`);--> statement-breakpoint
DROP INDEX `responses_round_status`;--> statement-breakpoint
CREATE INDEX `responses_figures` ON `responses` (`round_id`,`status`,`completed_at`,`started_at`);