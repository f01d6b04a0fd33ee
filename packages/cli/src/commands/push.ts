import { type CDR, createAutoValidatorFactory, isOcpiCallError, type Location, type Session, type Tariff, type Token, versionEdge } from '@ocpi-ts/core';
import { type Command, writeJson } from '../command.js';
import { readItems } from '../documents.js';
import { ExitCode, styleFor, usageError } from '../io.js';
import { typeOfModule } from '../object-types.js';
import { PARTNER_OPTIONS, type PartnerArgs, resolvePartner } from '../partner.js';
import { progressFor } from '../progress.js';

/** The modules whose objects we push to a partner's Receiver interface. */
const PUSHABLE = ['locations', 'sessions', 'tariffs', 'tokens', 'cdrs'];

interface Failure {
  at: string;
  id: string | undefined;
  reason: string;
}

export const pushCommand: Command = {
  name: 'push',
  summary: "push objects (JSON or NDJSON) to the partner's Receiver interface",
  help: `ocpi push <module> [<file>...] [options]

Sends every object of the files (or stdin) to the partner's Receiver interface of the module: PUT
for locations, sessions, tariffs and tokens (at /{country_code}/{party_id}/{id}, from the object's
own party), POST for cdrs. The objects are in the partner's version (the one negotiated at 'ocpi
register': 2.1.1, 2.2.1 or 2.3.0; 2.1.1 objects name no party: they are ours); each is checked against
its schema first, and an invalid one is not sent. The objects must be of a party we registered as.

  --profile <name>     a partner registered with 'ocpi register' (or --versions-url with --token)
  --credentials <file> the credentials file (default ~/.config/ocpi-ts/credentials.json)
  --quiet              no progress line
  --timeout <duration> per request (default 30s)
  --json               one JSON object on stdout
Exit code 0: all pushed; 1: some objects invalid (not sent); 3: the partner refused some or failed.`,
  options: { ...PARTNER_OPTIONS, quiet: { type: 'boolean', short: 'q' }, json: { type: 'boolean' } },
  async run(values, positionals, io) {
    const args = values as PartnerArgs & { quiet?: boolean; json?: boolean };
    const [module, ...files] = positionals;
    if (!module || !PUSHABLE.includes(module)) throw usageError(`Name the module to push to: ${PUSHABLE.join(', ')}`);
    const { partner, client, ours } = await resolvePartner(args, io);
    const target = client.forPartner(partner);
    target.endpoint(module, 'RECEIVER');
    const version = partner.version ?? '2.2.1';
    const type = typeOfModule(version, module);
    const validator = type ? createAutoValidatorFactory().compile(type.schema) : undefined;
    const items = [];
    for await (const item of readItems(files.length ? files : ['-'], io)) items.push(item);
    const progress = progressFor(io, module, args.quiet, { pages: false });
    const invalid: Failure[] = [];
    const refused: Failure[] = [];
    let pushed = 0;
    for (const item of items) {
      const at = `${item.source}${item.at}`;
      if (!item.ok) {
        invalid.push({ at, id: undefined, reason: item.message });
        continue;
      }
      const object = item.value as { id?: string; uid?: string };
      const id = object.id ?? object.uid;
      const checked = validator?.validate(item.value);
      if (checked && !checked.ok) {
        invalid.push({ at, id, reason: checked.issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ') });
        continue;
      }
      // The files are in the partner's version; the client takes the canonical model and writes it back in that version.
      // 2.1.1 objects name no owner: they are ours (the first party we registered as).
      const canonical = type ? versionEdge(version).toCanonical(type.name, item.value, { context: { owner: ours[0] } }) : undefined;
      if (canonical && !canonical.ok) {
        invalid.push({ at, id, reason: canonical.losses.map((loss) => `${loss.pointer || '(root)'}: ${loss.reason}`).join('; ') });
        continue;
      }
      const value = canonical?.value ?? item.value;
      try {
        if (module === 'locations') await target.pushLocation(value as Location);
        else if (module === 'sessions') await target.pushSession(value as Session);
        else if (module === 'tariffs') await target.pushTariff(value as Tariff);
        else if (module === 'tokens') await target.pushToken(value as Token);
        else await target.postCdr(value as CDR);
        pushed++;
      } catch (error) {
        if (!isOcpiCallError(error)) throw error;
        refused.push({ at, id, reason: error.message });
      }
      progress?.page(1, items.length);
    }
    progress?.finish();
    if (args.json) writeJson(io, { module, pushed, invalid, refused });
    else {
      const style = styleFor(io.stdout, io.env);
      for (const f of invalid) io.stdout.write(`${style.yellow('invalid, not sent')} ${f.at} ${f.id ?? ''}: ${f.reason}\n`);
      for (const f of refused) io.stdout.write(`${style.red('refused')} ${f.at} ${f.id ?? ''}: ${f.reason}\n`);
      io.stdout.write(`${pushed} of ${items.length} ${module} pushed\n`);
    }
    return refused.length ? ExitCode.PARTNER : invalid.length ? ExitCode.FINDINGS : ExitCode.OK;
  },
};
