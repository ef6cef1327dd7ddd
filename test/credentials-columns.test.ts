// Voter lists with columns named Name, Email, Weight in any order (issue 11 point 6), read by the CLI
// (`veche credentials issue --voters`, through contacts.ts) and by the rule the authority's page uses
// (src/credentials/columns.ts): the voter is the Voter column, else the e-mail, else the name; other
// headers are mapped by name; a list with no identifying column is refused, naming what it needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { guessColumns, idColumn, withMapping } from '../src/credentials/columns.js';
import { csvTable, readRecipients } from '../src/credentials/contacts.js';
import { parseVotersCsv } from '../src/cli/commands/credentials.js';

test('columns: the usual names in any order and case; the id falls back to the e-mail, then the name', () => {
  const map = guessColumns(['Weight', ' E-Mail ', 'Name']);
  assert.deepEqual(map, { weight: 0, email: 1, name: 2 });
  assert.equal(idColumn(map), 1);
  assert.equal(idColumn(guessColumns(['Name', 'Weight'])), 0);
  assert.equal(idColumn(guessColumns(['Member No', 'Email', 'Voter'])), 2, 'a Voter column wins over the e-mail');
  assert.equal(idColumn(guessColumns(['Member No', 'Shares'])), -1);
  assert.deepEqual(withMapping(['Member No', 'Shares'], {}, { voter: 'Member No', weight: 'Shares' }), { voter: 0, weight: 1 });
  assert.throws(() => withMapping(['Member No'], {}, { voter: 'Number' }), /no column "Number"/);
});

test('the CLI reads Name, Email, Weight in any order; refuses a list with nothing that names the voter', () => {
  const voters = parseVotersCsv('Email,Weight,Name\nann@example.org,2,Ann Lee\nbob@example.org,1,Bob Marsh\n');
  assert.deepEqual(voters, [
    { id: 'ann@example.org', weight: 2, name: 'Ann Lee', email: 'ann@example.org' },
    { id: 'bob@example.org', weight: 1, name: 'Bob Marsh', email: 'bob@example.org' },
  ]);
  assert.deepEqual(parseVotersCsv('name,weight\nAnn,3\n'), [{ id: 'Ann', weight: 3, name: 'Ann' }]);
  assert.throws(() => parseVotersCsv('Member No,Shares\n17,3\n'), /must have a "voter" column \(or "email", or "name"\)/);
  assert.throws(() => parseVotersCsv('Email,Weight\nann@example.org,0\n'), /weight must be a positive whole number/);
  // A mapping names the columns the usual names miss.
  const mapped = csvTable('Member No,Shares\n17,3\n', 'voters CSV', { voter: 'Member No', weight: 'Shares' });
  assert.deepEqual(mapped.rows.map((r) => [r.get('voter'), r.get('weight')]), [['17', '3']]);
});

test('recipients: a private list written with name and email columns is read as before', () => {
  const recipients = readRecipients('voter,weight,credential,link,name,email\nann@example.org,2,ABCDE-FGHJK-MNPQR-STVWX-YZ012,http://x/vote/e#credential=ABCDE-FGHJK-MNPQR-STVWX-YZ012,Ann Lee,ann@example.org\n', null, { needEmail: true });
  assert.deepEqual(recipients.map((r) => [r.voter, r.name, r.email, r.weight]), [['ann@example.org', 'Ann Lee', 'ann@example.org', 2]]);
});
