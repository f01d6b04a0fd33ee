/**
 * Loss accounting: every field a conversion dropped, narrowed or defaulted is reported per partner,
 * OCPI version, object type and field, as an event (`version.loss`) and a log line, once per such
 * combination (a bounded memory, not once per object), and counted.
 *
 * This is the one place conversions report what they could not carry; tolerances of partner defects
 * (issue 17) report through it as well.
 */
import type { EventOrigin, OcpiEventBus } from '../events.js';
import type { Loss, LossKind } from './convert.js';

/** What a loss was on the way: in what we sent the partner, or in what it sent us. */
export type LossDirection = 'to-partner' | 'from-partner';

/** One field a conversion lost for one partner (the first time; `LossRecorder.counts` has how often). */
export interface VersionLossEvent extends EventOrigin {
  type: 'version.loss';
  /** The OCPI version of the partner's side. */
  version: string;
  /** The object type: `Location`, `CDR`... */
  objectType: string;
  direction: LossDirection;
  /** The field, list positions as `*`: `/evses/*\/connectors/*\/capabilities`. */
  field: string;
  /** Where it was first seen: `/evses/0/connectors/1/capabilities`. */
  pointer: string;
  kind: LossKind;
  reason: string;
}

/** The losses of one conversion, and whose. */
export interface LossReport {
  partnerId: string | undefined;
  version: string;
  objectType: string;
  direction: LossDirection;
  losses: readonly Loss[];
}

/** How often one field was lost for one partner. */
export interface LossCount {
  partnerId: string | undefined;
  version: string;
  objectType: string;
  direction: LossDirection;
  field: string;
  kind: LossKind;
  reason: string;
  count: number;
}

export interface LossRecorder {
  /** Records the losses of a conversion (`times` conversions alike): new fields are emitted and logged, every one is counted. */
  record(report: LossReport, origin?: Partial<EventOrigin>, times?: number): void;
  /** The counts, of one partner or of all, most frequent first. */
  counts(partnerId?: string): LossCount[];
}

export interface LossRecorderOptions {
  events: OcpiEventBus;
  /** Where the log lines go; default `console.warn`. */
  log?: (line: string) => void;
  /** Distinct partner, version, type and field combinations remembered (default 10,000); the oldest are forgotten first. */
  maxFields?: number;
}

/** A pointer with its list positions as `*`: the field, whichever item it was in. */
export const fieldOf = (pointer: string): string => pointer.replace(/\/[0-9]+(?=\/|$)/g, '/*');

/** What makes two losses the same for a report: the field and the kind (`/evses/*\/parking` dropped). */
export const lossKey = (loss: Loss): string => `${fieldOf(loss.pointer)}\n${loss.kind}`;

export function createLossRecorder(options: LossRecorderOptions): LossRecorder {
  const log = options.log ?? ((line: string) => console.warn(line));
  const maxFields = options.maxFields ?? 10_000;
  const seen = new Map<string, LossCount>();
  return {
    record(report, origin = {}, times = 1) {
      for (const loss of report.losses) {
        const field = fieldOf(loss.pointer);
        const key = `${report.partnerId}\n${report.version}\n${report.objectType}\n${report.direction}\n${field}\n${loss.kind}`;
        const known = seen.get(key);
        if (known) {
          known.count += times;
          continue;
        }
        if (seen.size >= maxFields) seen.delete(seen.keys().next().value as string);
        const { partnerId, version, objectType, direction } = report;
        seen.set(key, { partnerId, version, objectType, direction, field, kind: loss.kind, reason: loss.reason, count: times });
        options.events.emit({
          type: 'version.loss',
          partnerId,
          requestId: origin.requestId,
          correlationId: origin.correlationId,
          version,
          objectType,
          direction,
          field,
          pointer: loss.pointer,
          kind: loss.kind,
          reason: loss.reason,
        });
        const whose = partnerId === undefined ? 'a partner' : `partner ${partnerId}`;
        const way = direction === 'to-partner' ? 'sent to' : 'received from';
        log(`ocpi-ts: ${objectType}${field || ' (whole object)'} ${loss.kind} in what was ${way} ${whose} on OCPI ${version}: ${loss.reason}`);
      }
    },
    counts(partnerId) {
      return [...seen.values()].filter((count) => partnerId === undefined || count.partnerId === partnerId).sort((a, b) => b.count - a.count);
    },
  };
}
