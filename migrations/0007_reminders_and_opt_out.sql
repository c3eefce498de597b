ALTER TABLE `contacts` ADD `notifications_off` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `responses` ADD `reminded_at` integer;--> statement-breakpoint
ALTER TABLE `responses` ADD `last_called_at` integer;