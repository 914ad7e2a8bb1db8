/** Reading the published IMD CSV: the header, quoting, and errors that name the line. */
import { describe, expect, it } from 'vitest';
import { parseImdCsv } from './imd-csv.ts';

const messageOf = (text: string): string => {
  try {
    parseImdCsv(text, 'imd.csv');
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
};

describe('parseImdCsv', () => {
  it('reads rows by the header\'s column names, in any order, ignoring other columns, blank lines, CRLF and a BOM', () => {
    expect(parseImdCsv('\uFEFFlsoa_code,imd_rank,imd_decile\r\nE01000001,29199,9\r\n\r\nE01000002,"30379",10\r\n')).toEqual([
      { lsoaCode: 'E01000001', rank: 29199, decile: 9 },
      { lsoaCode: 'E01000002', rank: 30379, decile: 10 },
    ]);
    expect(parseImdCsv('name,imd_decile,LSOA_CODE,imd_rank\n"Camden, 001A",3,E01000003,5000\n')).toEqual([{ lsoaCode: 'E01000003', rank: 5000, decile: 3 }]);
  });

  it('needs the header', () => {
    expect(messageOf('E01000001,29199,9\n')).toBe('Line 1 of imd.csv must be the header naming the columns lsoa_code, imd_rank, imd_decile; lsoa_code, imd_rank, imd_decile are missing (found "E01000001,29199,9").');
    expect(messageOf('lsoa_code,rank,imd_decile\n')).toMatch(/imd_rank is missing/);
  });

  it('names the line of a bad row and says what is wrong', () => {
    const header = 'lsoa_code,imd_rank,imd_decile\n';
    expect(messageOf(`${header}E01000001,29199,9\nE01000002,high,1\n`)).toBe('Line 3 of imd.csv: the imd_rank of E01000002 must be a whole number, not "high".');
    expect(messageOf(`${header}E01000001,29199,12\n`)).toMatch(/^Line 2 of imd\.csv: the decile of E01000001 must be a whole number from 1 \(the most deprived 10%\) to 10, not "12"\.$/);
    expect(messageOf(`${header}E01000001,29199\n`)).toMatch(/^Line 2 of imd\.csv has 2 columns; the header has 3/);
    expect(messageOf(`${header}X1,1,1\n`)).toMatch(/^Line 2 of imd\.csv: the LSOA code "X1" is not a code like E01000001/);
    expect(messageOf(`${header}E01000001,1,1\nE01000001,2,1\n`)).toBe('Line 3 of imd.csv: the LSOA code E01000001 is already on line 2; each LSOA must have one line.');
    expect(messageOf(header)).toMatch(/has a header but no rows/);
  });
});
