import type { Logger } from '../logger.js';
import { renderBarChart } from './chart.js';
import type { DigestData } from './content.js';
import type { ComposedDigest } from './delivery.js';
import { renderDigestMessage, type DigestMessageOptions } from './message.js';
import { REPORT_TEXTS } from './texts.js';
import { formatInZone } from '../rounds/deadline.js';

const NO_DATA: Record<DigestMessageOptions['language'], string> = { 'zh-Hant': '無數據', 'zh-Hans': '无数据', en: 'no data' };

/** The digest's chart: satisfaction index per dimension, this week against last; null when there is nothing to draw. */
export async function renderDigestChart(data: DigestData, options: DigestMessageOptions): Promise<Buffer | null> {
  const { figures, previous, questionnaire } = data;
  if (!figures || !questionnaire || figures.dimensions.every((d) => d.index === null)) return null;
  const t = REPORT_TEXTS[options.language];
  const nameOf = (id: string) => questionnaire.dimensions.find((d) => d.id === id)?.name[options.language] ?? id;
  return renderBarChart({
    title: t.chartTitle,
    categories: figures.dimensions.map((d) => nameOf(d.id)),
    series: [
      { name: t.chartThisWeek, values: figures.dimensions.map((d) => d.index) },
      {
        name: t.chartLastWeek,
        values: figures.dimensions.map((d) => previous?.dimensions.find((p) => p.id === d.id)?.index ?? null),
      },
    ],
    axisLabel: t.chartAxis,
    lang: options.language,
    noDataLabel: NO_DATA[options.language],
  });
}

/** Message and chart of a digest in one language. A chart that fails to render leaves the text digest. */
export async function composeDigest(data: DigestData, options: DigestMessageOptions, logger: Logger): Promise<ComposedDigest> {
  const t = REPORT_TEXTS[options.language];
  let chart: Buffer | null = null;
  try {
    chart = await renderDigestChart(data, options);
  } catch (error) {
    logger.error({ err: error }, 'the digest chart could not be drawn; sending the text alone');
  }
  const at = (instant: Date) => formatInZone(instant, options.timeZone);
  return {
    html: renderDigestMessage(data, options),
    chart,
    chartCaption: t.chartCaption({ from: at(data.from), to: at(data.to) }),
  };
}
