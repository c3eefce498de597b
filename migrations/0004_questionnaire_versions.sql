CREATE TABLE `questionnaire_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`origin` text NOT NULL,
	`source` text NOT NULL,
	`sha256` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `questionnaire_versions_by_origin` ON `questionnaire_versions` (`origin`,`sha256`);--> statement-breakpoint
ALTER TABLE `rounds` ADD `questionnaire_version_id` integer REFERENCES questionnaire_versions(id);