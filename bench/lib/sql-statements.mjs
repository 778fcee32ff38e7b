// Splits a migration file into its statements, as a deploy runs them one by one: at each `;`
// outside quotes, comments and a trigger's BEGIN ... END (where CASE ... END nests).

/** The statements of `sql`, each without its leading comments; empty ones dropped. */
export function splitStatements(sql) {
  const statements = [];
  let start = 0;
  let depth = 0;
  let trigger = false;
  let words = []; // the statement's first words, to know a CREATE TRIGGER
  for (let i = 0; i < sql.length; i += 1) {
    const char = sql[i];
    const next = sql[i + 1];
    if (char === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
    } else if (char === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 1;
    } else if (char === "'" || char === '"' || char === '`' || char === '[') {
      const close = char === '[' ? ']' : char;
      let end = i + 1;
      while (end < sql.length) {
        if (sql[end] !== close) end += 1;
        // A doubled quote is an escaped one inside the same literal.
        else if (close !== ']' && sql[end + 1] === close) end += 2;
        else break;
      }
      i = end;
    } else if (/[A-Za-z_]/.test(char)) {
      let end = i;
      while (end < sql.length && /[A-Za-z0-9_$]/.test(sql[end])) end += 1;
      const word = sql.slice(i, end).toUpperCase();
      if (words.length < 4) {
        words.push(word);
        trigger = words[0] === 'CREATE' && words.slice(1).includes('TRIGGER');
      }
      if ((word === 'BEGIN' && trigger) || word === 'CASE') depth += 1;
      else if (word === 'END' && depth > 0) depth -= 1;
      i = end - 1;
    } else if (char === ';' && depth === 0) {
      statements.push(sql.slice(start, i + 1));
      start = i + 1;
      words = [];
      trigger = false;
    }
  }
  statements.push(sql.slice(start));
  return statements.map(withoutLeadingComments).filter((statement) => statement.replace(/;$/, '').trim() !== '');
}

function withoutLeadingComments(statement) {
  let text = statement.trimStart();
  for (;;) {
    if (text.startsWith('--')) {
      const end = text.indexOf('\n');
      text = end === -1 ? '' : text.slice(end + 1).trimStart();
    } else if (text.startsWith('/*')) {
      const end = text.indexOf('*/');
      text = end === -1 ? '' : text.slice(end + 2).trimStart();
    } else return text.trimEnd();
  }
}
