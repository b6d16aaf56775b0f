// RFC 4180 CSV reader: quoted fields may hold commas, CR/LF newlines and doubled quotes ("").
// Invariant: every record is returned with exactly the fields it had; a malformed file throws with its line number.

/**
 * Parse CSV text into an array of records (arrays of strings).
 * Accepts LF or CRLF record separators, an optional UTF-8 BOM, and a missing final newline.
 * @param {string} text
 * @returns {string[][]}
 */
export function parseCsv(text) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records = [];
  let record = [];
  let field = '';
  let i = 0;
  let line = 1;
  const n = text.length;
  // atFieldStart lets a quote open a quoted field only at the start of a field.
  let atFieldStart = true;
  while (i < n) {
    const c = text[i];
    if (atFieldStart && c === '"') {
      const openLine = line;
      i++;
      for (;;) {
        if (i >= n) throw new Error(`CSV: unterminated quoted field opened on line ${openLine}`);
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          i++;
          break;
        }
        if (q === '\n') line++;
        field += q;
        i++;
      }
      // After the closing quote only a separator, a record end or end of text may follow.
      const after = text[i];
      if (i < n && after !== ',' && after !== '\n' && after !== '\r') {
        throw new Error(`CSV: unexpected character ${JSON.stringify(after)} after a closing quote on line ${line}`);
      }
      atFieldStart = false;
      continue;
    }
    if (c === ',') {
      record.push(field); field = ''; atFieldStart = true; i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      record.push(field); records.push(record);
      record = []; field = ''; atFieldStart = true;
      i += (c === '\r' && text[i + 1] === '\n') ? 2 : 1;
      line++;
      continue;
    }
    field += c; atFieldStart = false; i++;
  }
  // A final record without a trailing newline.
  if (!atFieldStart || field !== '' || record.length > 0) { record.push(field); records.push(record); }
  return records;
}

/**
 * Parse CSV text whose first record is a header into objects keyed by column name.
 * Throws if a record's field count differs from the header's (names the line-ordinal record).
 * @param {string} text
 * @param {string} [name] a label for error messages (e.g. the file name)
 * @returns {Record<string,string>[]}
 */
export function parseCsvObjects(text, name = 'CSV') {
  const records = parseCsv(text);
  if (records.length === 0) return [];
  const header = records[0];
  const rows = [];
  for (let r = 1; r < records.length; r++) {
    const rec = records[r];
    if (rec.length === 1 && rec[0] === '') continue; // blank line
    if (rec.length !== header.length) {
      throw new Error(`${name}: record ${r + 1} has ${rec.length} fields, header has ${header.length}`);
    }
    const obj = {};
    for (let k = 0; k < header.length; k++) obj[header[k]] = rec[k];
    rows.push(obj);
  }
  return rows;
}
