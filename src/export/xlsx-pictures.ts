import type ExcelJS from 'exceljs';

/*
 * exceljs's streaming writer keeps memory flat on a round of 100,000
 * responses, but it cannot place pictures on a sheet (only its in-memory
 * workbook can). This adds what a picture needs to one streamed sheet: the
 * drawing part with an anchor per picture, the drawing's relationships to
 * the media, the sheet's <drawing> element and its content type. It leans on
 * four internals of exceljs 4 (named below); test/export/xlsx.test.ts reads
 * the pictures back, so an exceljs that changes them fails there.
 */

interface StreamingSheet {
  _sheetRelsWriter: { addRelationship(rel: { Target: string; Type: string }): string };
  _writeLegacyData(): void;
  stream: { write(text: string): void };
}

interface StreamingBook {
  zip: { append(source: string, data: { name: string }): void };
  addContentTypes(): Promise<void>;
}

export interface Placement {
  /** From workbook.addImage. */
  imageId: number;
  /** Top-left cell, 0-based. */
  col: number;
  row: number;
  /** Size in pixels. */
  width: number;
  height: number;
}

const EMU_PER_PIXEL = 9525;
const RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

function anchor(p: Placement, index: number): string {
  const [cx, cy] = [Math.round(p.width * EMU_PER_PIXEL), Math.round(p.height * EMU_PER_PIXEL)];
  return (
    `<xdr:oneCellAnchor><xdr:from><xdr:col>${p.col}</xdr:col><xdr:colOff>0</xdr:colOff>` +
    `<xdr:row>${p.row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="${cx}" cy="${cy}"/>` +
    `<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="${index + 2}" name="Picture ${index + 1}"/>` +
    `<xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr>` +
    `<xdr:blipFill><a:blip r:embed="rId${index + 1}"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>` +
    `<xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="${cx}" cy="${cy}"/></a:xfrm>` +
    `<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/></xdr:oneCellAnchor>`
  );
}

/**
 * Places pictures on a streamed sheet that has not been committed yet. Call
 * once per workbook (the drawing part is drawing1).
 */
export function placePictures(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  worksheet: ExcelJS.Worksheet,
  pictures: readonly Placement[],
): void {
  const book = workbook as unknown as StreamingBook;
  const sheet = worksheet as unknown as StreamingSheet;
  const xml = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
  book.zip.append(
    `${xml}<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"` +
      ` xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="${RELATIONSHIPS}">` +
      `${pictures.map(anchor).join('')}</xdr:wsDr>`,
    { name: 'xl/drawings/drawing1.xml' },
  );
  const media = pictures.map((p) => workbook.getImage(p.imageId) as unknown as { name: string });
  book.zip.append(
    `${xml}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
      media
        .map((m, i) => `<Relationship Id="rId${i + 1}" Type="${RELATIONSHIPS}/image" Target="../media/${m.name}"/>`)
        .join('') +
      '</Relationships>',
    { name: 'xl/drawings/_rels/drawing1.xml.rels' },
  );
  const rId = sheet._sheetRelsWriter.addRelationship({ Target: '../drawings/drawing1.xml', Type: `${RELATIONSHIPS}/drawing` });
  // <drawing> belongs right before <legacyDrawing> in a worksheet.
  const writeLegacyData = sheet._writeLegacyData.bind(sheet);
  sheet._writeLegacyData = () => {
    sheet.stream.write(`<drawing r:id="${rId}"/>`);
    writeLegacyData();
  };
  const addContentTypes = book.addContentTypes.bind(book);
  book.addContentTypes = () => {
    const append = book.zip.append.bind(book.zip);
    book.zip.append = (source, data) =>
      append(
        data.name === '[Content_Types].xml'
          ? source.replace(
              '</Types>',
              '<Override PartName="/xl/drawings/drawing1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/></Types>',
            )
          : source,
        data,
      );
    return addContentTypes().finally(() => (book.zip.append = append));
  };
}
