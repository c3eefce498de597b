ALTER TABLE `contacts` ADD `last_language` text;--> statement-breakpoint
ALTER TABLE `contacts` ADD `announced_round_id` integer;