import type { Logger } from '../logger.js';
import { trendPicture } from '../reports/trend-chart.js';
import { buildBarChartSvg } from '../render/pictures/bar-chart.js';
import { renderPicture, stackPictures, type Picture } from '../render/pictures/draw.js';
import type { DigestData } from './content.js';
import type { ComposedDigest } from './delivery.js';
import { renderDigestMessage, type DigestMessageOptions } from './message.js';
import { REPORT_TEXTS } from '../texts/report.js';
import { formatInZone } from '../render/format.js';

/**
 * The digest's picture: satisfaction index per dimension, this week against
 * last, and under it the headline indexes week by week since the round
 * opened; null when there is nothing to draw.
 */
export async function renderDigestChart(data: DigestData, options: DigestMessageOptions): Promise<Buffer | null> {
  const { questionnaire } = data;
  const pictures = [await barPicture(data, options)];
  if (questionnaire) pictures.push(await trendPicture(data.trend, data.rounds, questionnaire, options.language));
  const drawn = pictures.filter((p): p is Picture => p !== null);
  return drawn.length > 0 ? renderPicture(stackPictures(drawn)) : null;
}

async function barPicture(data: DigestData, options: DigestMessageOptions): Promise<Picture | null> {
  const { figures, previous, questionnaire } = data;
  if (!figures || !questionnaire || figures.dimensions.every((d) => d.index === null)) return null;
  const t = REPORT_TEXTS[options.language];
  const nameOf = (id: string) => questionnaire.dimensions.find((d) => d.id === id)?.name[options.language] ?? id;
  return buildBarChartSvg({
    title: t.chartTitle,
    categories: figures.dimensions.map((d) => nameOf(d.id)),
    series: [
      { name: t.chartThisWeek, values: figures.dimensions.map((d) => d.index), withheld: figures.dimensions.map((d) => d.withheld) },
      {
        name: t.chartLastWeek,
        values: figures.dimensions.map((d) => previous?.dimensions.find((p) => p.id === d.id)?.index ?? null),
        withheld: figures.dimensions.map((d) => previous?.dimensions.find((p) => p.id === d.id)?.withheld ?? false),
      },
    ],
    axisLabel: t.chartAxis,
    lang: options.language,
    noDataLabel: t.noData,
    withheldLabel: t.chartWithheld,
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
