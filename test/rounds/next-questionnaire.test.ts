import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { latestUpload, saveUpload, sourceHash } from '../../src/db/questionnaire-versions.js';
import { openRound } from '../../src/db/rounds.js';
import { questionnaireVersions } from '../../src/db/schema.js';
import { nextRoundQuestionnaire, roundSource } from '../../src/rounds/next-questionnaire.js';
import { loadQuestionnaireFile, parseQuestionnaire, type ValidatedSource } from '../../src/questionnaire/validate.js';
import { questionnaireFile } from '../helpers/bot-harness.js';
import { SMALL_YAML } from '../helpers/questionnaires.js';

const NOW = new Date('2026-11-24T08:00:00Z');
const REVISED = SMALL_YAML.replace('en: Small survey', 'en: Revised');

function setting(fileSource = SMALL_YAML) {
  const db = openDatabase(':memory:');
  const path = questionnaireFile(fileSource);
  return { db, loadFile: (): ValidatedSource => loadQuestionnaireFile(path) };
}

describe('the questionnaire the next round will use', () => {
  it('is the questionnaire file while nothing was uploaded, with its version once a round used it', () => {
    const { db, loadFile } = setting();
    const before = nextRoundQuestionnaire(db, loadFile);
    expect(before).toMatchObject({ ok: true, origin: 'file', source: SMALL_YAML, version: null });
    if (!before.ok) throw new Error('invalid');
    openRound(db, { title: 'R', questionnaire: before.questionnaire, from: roundSource(before), now: NOW });
    expect(nextRoundQuestionnaire(db, loadFile)).toMatchObject({
      origin: 'file',
      version: { id: 1, origin: 'file', source: SMALL_YAML, sha256: sourceHash(SMALL_YAML) },
    });
  });

  it('is the newest upload, whatever the file says', () => {
    const { db, loadFile } = setting();
    saveUpload(db, REVISED, NOW);
    saveUpload(db, REVISED.replace('Revised', 'Newest'), NOW);
    const next = nextRoundQuestionnaire(db, loadFile);
    expect(next).toMatchObject({ ok: true, origin: 'upload', version: { id: 2 } });
    expect(next.ok && next.questionnaire.title.en).toBe('Newest');
    expect(roundSource(next as typeof next & { ok: true })).toEqual({ versionId: 2 });
  });

  it('validates a stored upload again, so a stricter validator is not bypassed', () => {
    const { db, loadFile } = setting();
    db.insert(questionnaireVersions).values({ origin: 'upload', source: 'title: old\n', sha256: sourceHash('title: old\n'), createdAt: NOW }).run();
    const next = nextRoundQuestionnaire(db, loadFile);
    expect(next).toMatchObject({ ok: false, origin: 'upload', source: 'title: old\n', version: { id: 1 } });
  });

  it('says when the file cannot be read', () => {
    const { db } = setting();
    const next = nextRoundQuestionnaire(db, () => loadQuestionnaireFile('/nowhere/q.yaml'));
    expect(next).toMatchObject({ ok: false, origin: 'file', source: null, version: null });
  });
});

describe('stored versions', () => {
  it('keep an upload as it came, once while it is the newest, again after another', () => {
    const { db } = setting();
    expect(saveUpload(db, REVISED, NOW)).toMatchObject({ isNew: true, version: { id: 1, source: REVISED } });
    expect(saveUpload(db, REVISED, NOW)).toMatchObject({ isNew: false, version: { id: 1 } });
    saveUpload(db, SMALL_YAML, NOW);
    // Going back to an earlier text makes it the newest again.
    expect(saveUpload(db, REVISED, NOW)).toMatchObject({ isNew: true, version: { id: 3 } });
    expect(latestUpload(db)?.id).toBe(3);
  });

  it('store a file once per text, however many rounds open with it', () => {
    const { db } = setting();
    const questionnaire = parseQuestionnaire(SMALL_YAML);
    if (!questionnaire.ok) throw new Error('invalid');
    const open = (title: string, source: string) => {
      const result = openRound(db, { title, questionnaire: questionnaire.questionnaire, from: { fileSource: source }, now: NOW });
      if (!result.ok) throw new Error('not opened');
      db.$client.prepare('UPDATE rounds SET closed_at = 1 WHERE id = ?').run(result.round.id);
      return result.round.questionnaireVersionId;
    };
    expect([open('a', SMALL_YAML), open('b', SMALL_YAML), open('c', `${SMALL_YAML}# edited\n`), open('d', SMALL_YAML)]).toEqual([1, 1, 2, 1]);
  });
});
