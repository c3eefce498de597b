DROP INDEX `responses_figures`;--> statement-breakpoint
ALTER TABLE `responses` ADD `flags` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `responses_figures` ON `responses` (`round_id`,`status`,`completed_at`,`started_at`,`flags`);--> statement-breakpoint
-- Responses completed before flags existed: mark the straight lines (six or more scale answers, all the same option; see src/figures/quality.ts).
UPDATE `responses` SET `flags` = `flags` | 2
WHERE `status` = 'completed' AND `id` IN (
  SELECT a.`response_id` FROM `answers` a
  JOIN `responses` r ON r.`id` = a.`response_id`
  JOIN `rounds` o ON o.`id` = r.`round_id`
  WHERE a.`skipped` = 0 AND a.`question_id` IN (
    SELECT q.value ->> 'id' FROM json_each(o.`questionnaire`, '$.questions') q WHERE q.value ->> 'type' = 'scale')
  GROUP BY a.`response_id`
  HAVING count(*) >= 6 AND count(DISTINCT a.`value`) = 1
);
