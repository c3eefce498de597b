import ExcelJS from 'exceljs';

/** Reads an .xlsx back with exceljs, as a test would open the file a bot sent. */
export async function readWorkbook(data: Uint8Array): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(data) as unknown as ExcelJS.Buffer);
  return workbook;
}

/** The addresses of every cell holding a formula, in every sheet. */
export function formulaCells(workbook: ExcelJS.Workbook): string[] {
  const found: string[] = [];
  workbook.eachSheet((sheet) =>
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        if (cell.type === ExcelJS.ValueType.Formula || cell.formula !== undefined) found.push(`${sheet.name}!${cell.address}`);
      }),
    ),
  );
  return found;
}

/** A sheet's rows as arrays of cell values (1-based columns become 0-based). */
export function rowsOf(sheet: ExcelJS.Worksheet): ExcelJS.CellValue[][] {
  const rows: ExcelJS.CellValue[][] = [];
  sheet.eachRow((row) => rows.push((row.values as ExcelJS.CellValue[]).slice(1)));
  return rows;
}

/** The row whose first cell is `label`. */
export function rowLabelled(sheet: ExcelJS.Worksheet, label: string): ExcelJS.CellValue[] | undefined {
  return rowsOf(sheet).find((row) => row[0] === label);
}
