/**
 * One CSV cell: quoted when needed, and never read as a formula by a spreadsheet. A `;`
 * is quoted too: the service's imports take `;` as a delimiter as well as `,` (as
 * spreadsheets in many locales write them), so an export reads back cell for cell.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",;\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const csvRow = (cells: string[]): string => `${cells.map(csvCell).join(',')}\r\n`;
