// `veche manifest check FILE` and `veche manifest example`.
import { readFileSync } from 'node:fs';
import { demoManifest } from '../../manifest/demo.js';
import { parseManifestJson } from '../../manifest/validate.js';
import { parse, UsageError } from '../args.js';

export const MANIFEST_HELP = `Usage: veche manifest example            print the demo manifest, a template to edit
       veche manifest check FILE         validate a manifest file and list every problem
`;

export async function manifestCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {}, true);
  const [action, file] = positionals;
  if (values.help || !action) { process.stdout.write(MANIFEST_HELP); return values.help ? 0 : 2; }
  if (action === 'example') { console.log(JSON.stringify(demoManifest(), null, 2)); return 0; }
  if (action === 'check') {
    if (!file) throw new UsageError('name the manifest file');
    const m = parseManifestJson(readFileSync(file, 'utf8'));
    console.log(`${file}: valid manifest "${m.id}" with ${m.questions.length} questions, ${m.trustees.length} trustees (threshold ${m.threshold})`);
    return 0;
  }
  throw new UsageError(`unknown manifest action "${action}"`);
}
