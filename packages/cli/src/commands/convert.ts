import { type ConversionContext, createAutoValidatorFactory, type Location, type Loss, type PartyRef, versionEdge } from '@ocpi-ts/core';
import { checkItem, type Finding, idOf, writeFinding } from '../checked.js';
import { type Command, writeJson } from '../command.js';
import { readItems } from '../documents.js';
import { ExitCode, styleFor, usageError } from '../io.js';
import { type ObjectType, typeOption, VERSIONS, versionOption } from '../object-types.js';
import { parseParty } from '../partner.js';

/** One object converted, with what the conversion could not carry (pointers into the object read, then into the canonical one). */
interface Converted {
  source: string;
  at: string;
  type: string;
  id: string | undefined;
  value: unknown;
  losses: Loss[];
}

const partyKey = (owner: PartyRef, id: string) => `${owner.country_code}*${owner.party_id}/${id}`;

/** The objects as read: one JSON document per source (an array stays an array), NDJSON line by line. */
function writeObjects(out: { write(text: string): unknown }, converted: readonly Converted[]): void {
  const sources = [...new Set(converted.map((c) => c.source))];
  for (const source of sources) {
    const items = converted.filter((c) => c.source === source);
    const first = items[0] as Converted;
    if (first.at.startsWith(':')) for (const item of items) out.write(`${JSON.stringify(item.value)}\n`);
    else if (first.at.startsWith('['))
      out.write(
        `${JSON.stringify(
          items.map((item) => item.value),
          null,
          2,
        )}\n`,
      );
    else out.write(`${JSON.stringify(first.value, null, 2)}\n`);
  }
}

export const convertCommand: Command = {
  name: 'convert',
  summary: 'convert OCPI objects between versions, reporting every field that is lost',
  help: `ocpi convert --from <version> --to <version> [<file>...] [--type <Type>] [options]

Converts each object of the files (or stdin) from one OCPI version to another, through the canonical
model (2.3.0) the core keeps: the same conversion a node applies to a partner on another version. The
converted objects go to stdout as they were read (one JSON document, an array, or NDJSON); every field
that was dropped, narrowed or defaulted goes to stderr with its JSON pointer and why. An object invalid
in the --from version, or that cannot be written in the --to version, is refused (not written).

  --from <version>     the version of the objects read (${VERSIONS.join(', ')})
  --to <version>       the version to write
  --type <Type>        the object type (default: recognised from the fields); PATCH bodies need it
                       (LocationPatch, SessionPatch, TokenPatch, ...)
  --party <CC*PID>     the owner of the objects: OCPI 2.1.1 objects name none (needed --from 2.1.1)
  --emsp <CC*PID>      the eMSP that issued the Tokens 2.1.1 Sessions and CDRs name by auth_id
  --role <CPO|EMSP>    the role of the party of 2.1.1 Credentials (and of 2.1.1 version details)
  --locations <file>   Locations (in the --from version) the Sessions and CDRs are at: OCPI 2.1.1
                       embeds them (needed for Sessions --to 2.1.1); may be repeated
  --pointer <ptr>      convert the value at this JSON pointer in each document (e.g. /location)
  --json               one JSON object on stdout: the converted objects, the losses and the refused
Exit code 0: all converted; 1: some refused (invalid or inexpressible); 2: bad arguments (such as a
missing --party); 4: a file cannot be read.`,
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    type: { type: 'string' },
    party: { type: 'string' },
    emsp: { type: 'string' },
    role: { type: 'string' },
    locations: { type: 'string', multiple: true },
    pointer: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(values, positionals, io) {
    if (values.from === undefined || values.to === undefined) throw usageError(`Give --from and --to (${VERSIONS.join(', ')})`);
    const from = versionOption(values.from as string, '--from');
    const to = versionOption(values.to as string, '--to');
    const named: ObjectType | undefined = values.type === undefined ? undefined : typeOption(from, values.type as string);
    const owner = values.party === undefined ? undefined : parseParty(values.party as string);
    const emsp = values.emsp === undefined ? undefined : parseParty(values.emsp as string, '--emsp');
    const role = values.role === undefined ? undefined : String(values.role).toUpperCase();
    if (role !== undefined && role !== 'CPO' && role !== 'EMSP') throw usageError(`--role must be CPO or EMSP; got '${values.role}'`);
    const source = versionEdge(from);
    const target = versionEdge(to);
    const validators = createAutoValidatorFactory();

    // The canonical Locations known: given with --locations, converted in this run, or embedded in a 2.1.1 Session or CDR.
    const locations = new Map<string, Location>();
    const context: ConversionContext = {
      owner,
      ourParty: emsp,
      partnerRole: role as 'CPO' | 'EMSP' | undefined,
      location: (party, id) => locations.get(partyKey(party, id)),
    };
    /** Refuses the run when the conversion failed for want of an option (every object would). */
    const needsOption = (losses: readonly Loss[]) => {
      if (!owner && losses.some((l) => l.pointer === '/country_code' && l.kind === 'dropped'))
        throw usageError(`OCPI ${from} objects name no owner: give the party that owns them with --party CC*PID`);
      if (!emsp && losses.some((l) => l.pointer === '/auth_id' && l.kind === 'dropped'))
        throw usageError('OCPI 2.1.1 Sessions and CDRs name their Token by auth_id only: give the eMSP that issued it with --emsp CC*PID');
      if (!role && losses.some((l) => l.pointer === '/party_id' && l.kind === 'dropped'))
        throw usageError('OCPI 2.1.1 Credentials name no role: give the role of their party with --role CPO|EMSP');
    };
    const remember = (location: unknown) => {
      const l = location as Location;
      if (typeof l?.id === 'string' && typeof l.country_code === 'string') locations.set(partyKey(l, l.id), l);
    };
    const toCanonical = (type: string, value: unknown, patch: boolean) => source.toCanonical(type, value, { patch, context });

    for (const file of (values.locations as string[] | undefined) ?? []) {
      for await (const item of readItems([file], io)) {
        if (!item.ok) throw usageError(`--locations ${file}${item.at}: ${item.message}`);
        const canonical = toCanonical('Location', item.value, false);
        needsOption(canonical.losses);
        if (!canonical.ok)
          throw usageError(
            `--locations ${file}${item.at} is not an OCPI ${from} Location: ${canonical.losses.map((l) => `${l.pointer} ${l.reason}`).join('; ')}`,
          );
        remember(canonical.value);
      }
    }

    const converted: Converted[] = [];
    const refused: Finding[] = [];
    let total = 0;
    for await (const item of readItems(positionals.length > 0 ? positionals : ['-'], io, (values.pointer as string | undefined) ?? '')) {
      total++;
      const checked = checkItem(item, from, named, validators);
      if (!checked.ok) {
        refused.push(checked.finding);
        continue;
      }
      const { type, value } = checked;
      const losses: Loss[] = [];
      // A 2.1.1 Session or CDR embeds its Location: known from it, to be embedded again when written in 2.1.1.
      const embedded = (value as { location?: unknown }).location;
      if (from === '2.1.1' && (type.edgeType === 'Session' || type.edgeType === 'CDR') && embedded !== undefined) {
        const location = toCanonical('Location', embedded, false);
        needsOption(location.losses);
        if (location.ok) remember(location.value);
        if (to === '2.1.1') losses.push(...location.losses.map((loss) => ({ ...loss, pointer: `/location${loss.pointer}` })));
      }
      const canonical = toCanonical(type.edgeType, value, type.patch);
      needsOption(canonical.losses);
      const written = canonical.ok ? target.fromCanonical(type.edgeType, canonical.value, { patch: type.patch, context }) : canonical;
      losses.push(...canonical.losses, ...(canonical.ok ? written.losses : []));
      const where = { source: item.source, at: item.at, type: type.name, id: idOf(value) };
      if (!written.ok) {
        const hint = (loss: Loss) => (loss.pointer.endsWith('/location_id') ? ' (give it with --locations <file>)' : '');
        refused.push({ ...where, issues: losses.map((loss) => ({ path: loss.pointer, message: `${loss.kind}: ${loss.reason}${hint(loss)}` })) });
        continue;
      }
      if (canonical.ok && type.edgeType === 'Location' && !type.patch) remember(canonical.value);
      converted.push({ ...where, value: written.value, losses });
    }

    const lost = converted.filter((c) => c.losses.length > 0);
    if (values.json) {
      writeJson(io, {
        from,
        to,
        objects: total,
        converted: converted.map((c) => c.value),
        losses: lost.flatMap(({ source: s, at, type, id, losses }) => losses.map((loss) => ({ source: s, at, type, id, ...loss }))),
        refused,
      });
    } else {
      writeObjects(io.stdout, converted);
      const style = styleFor(io.stderr, io.env);
      for (const c of lost) {
        io.stderr.write(`${style.yellow('~')} ${c.source}${c.at} ${c.type}${c.id === undefined ? '' : ` ${c.id}`}\n`);
        for (const loss of c.losses) io.stderr.write(`    ${style.bold(loss.pointer || '(root)')} ${loss.kind}: ${loss.reason}\n`);
      }
      for (const finding of refused) writeFinding(io.stderr, style, finding);
      const fields = lost.reduce((n, c) => n + c.losses.length, 0);
      const summary = `${total} object${total === 1 ? '' : 's'}, OCPI ${from} -> ${to}: ${converted.length} converted (${lost.length} with losses, ${fields} field${fields === 1 ? '' : 's'})`;
      io.stderr.write(refused.length === 0 ? `${style.green('✓')} ${summary}\n` : `${summary}, ${style.red(`${refused.length} refused`)}\n`);
    }
    return refused.length === 0 ? ExitCode.OK : ExitCode.FINDINGS;
  },
};
