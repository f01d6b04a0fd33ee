// A progress line for pulls and pushes: pages, objects, rate and, when the partner says how many there
// are (X-Total-Count), a bar and the time left. Redrawn in place on a terminal; elsewhere (a log, a
// pipe) a plain line now and then, so a long pull still shows it is alive.
import type { CliIo, OutStream } from './io.js';

export interface ProgressOptions {
  /** What is counted: `locations`. */
  label: string;
  /** Whether pages are counted (a pull) or only objects (a push). Default true. */
  pages?: boolean;
  /** How often a plain line is written when the stream is not a terminal (default 2 s). */
  lineEveryMs?: number;
  now?: () => number;
}

const count = (n: number) => n.toLocaleString('en-US');

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? `${minutes}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`
    : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export class Progress {
  private pages = 0;
  private objects = 0;
  private total: number | undefined;
  private readonly startedAt: number;
  private lastDrawn = 0;
  private readonly tty: boolean;
  private readonly now: () => number;

  constructor(
    private readonly stream: OutStream,
    private readonly options: ProgressOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
    this.tty = stream.isTTY === true;
  }

  /** A page came in: its objects and the total the partner gave with it. */
  page(objects: number, total: number | undefined): void {
    this.pages++;
    this.objects += objects;
    if (total !== undefined) this.total = total;
    const now = this.now();
    const every = this.tty ? 100 : (this.options.lineEveryMs ?? 2000);
    if (now - this.lastDrawn >= every || this.pages === 1) {
      this.lastDrawn = now;
      this.draw(false);
    }
  }

  /** The last line, with the totals. */
  finish(): void {
    this.draw(true);
  }

  /** The line as it stands. */
  line(final = false): string {
    const seconds = Math.max((this.now() - this.startedAt) / 1000, 0.001);
    const rate = this.objects / seconds;
    const parts: string[] = [];
    const total = this.total === undefined ? undefined : Math.max(this.total, this.objects);
    if (total !== undefined && total > 0) {
      const width = 20;
      const filled = Math.min(width, Math.round((this.objects / total) * width));
      parts.push(`${this.options.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count(this.objects)}/${count(total)}`);
    } else {
      parts.push(`${this.options.label} ${count(this.objects)}`);
    }
    if (this.options.pages !== false) parts.push(`${count(this.pages)} page${this.pages === 1 ? '' : 's'}`);
    parts.push(`${count(Math.round(rate))}/s`);
    if (final) parts.push(`in ${duration(seconds)}`);
    else if (total !== undefined && rate > 0) parts.push(`ETA ${duration((total - this.objects) / rate)}`);
    return parts.join(' · ');
  }

  private draw(final: boolean): void {
    if (this.tty) this.stream.write(`\r\u001b[2K${this.line(final)}${final ? '\n' : ''}`);
    else this.stream.write(`${this.line(final)}\n`);
  }
}

/** A progress line on stderr, or none with `--quiet`. */
export const progressFor = (io: CliIo, label: string, quiet: boolean | undefined, options: Omit<ProgressOptions, 'label'> = {}): Progress | undefined =>
  quiet ? undefined : new Progress(io.stderr, { label, ...options });
