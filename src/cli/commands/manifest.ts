// `veche manifest check FILE` and `veche manifest example`.
import { readFileSync } from 'node:fs';
import { demoManifestDraft } from '../../manifest/demo.js';
import { parseManifestJson } from '../../manifest/validate.js';
import { parse, UsageError } from '../args.js';

export const MANIFEST_HELP = `Usage: veche manifest example            print the demo manifest, a template to edit
       veche manifest check FILE         validate a manifest file and list every problem
`;

export async function manifestCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {}, true);
  const [action, file] = positionals;
  if (values.help || !action) { process.stdout.write(MANIFEST_HELP); return values.help ? 0 : 2; }
  if (action === 'example') {
    // The signing keys are the trustees' and the authority's own: each makes its key and sends the public half.
    const d = demoManifestDraft();
    const example = {
      ...d,
      version: 'veche/manifest/v2',
      trustees: d.trustees.map((t) => ({ ...t, signingKey: `REPLACE with the key printed by: veche trustee init --trustee ${t.id} --secret ${t.id}.secret.json` })),
      credentialAuthority: { name: d.credentialAuthority?.name ?? 'Credential authority', signingKey: 'REPLACE with the key printed by: veche credentials init --authority authority.json' },
    };
    console.log(JSON.stringify(example, null, 2));
    return 0;
  }
  if (action === 'check') {
    if (!file) throw new UsageError('name the manifest file');
    const m = parseManifestJson(readFileSync(file, 'utf8'));
    console.log(`${file}: valid manifest "${m.id}" with ${m.questions.length} questions, ${m.trustees.length} trustees (threshold ${m.threshold})`);
    return 0;
  }
  throw new UsageError(`unknown manifest action "${action}"`);
}
