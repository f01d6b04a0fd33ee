/**
 * Encoded objects, kept as UTF-8 bytes in a few large slabs instead of one `Uint8Array` each: a
 * separate backing store per object costs several hundred bytes of bookkeeping (V8's ArrayBuffer, its
 * backing-store record, the allocator's header), as much as a small object weighs. Bytes are written
 * once and never changed in place (a reader may hold a view of them): a replaced object's bytes become
 * garbage in their slab, and a slab is dropped once nothing in it is live. The owner of the handles
 * (the object index) moves what is live out of a slab it wants back (`compact`) or forgets it (`evict`).
 */

const encoder = new TextEncoder();

/** Bytes of a shared slab; an object larger than a quarter of it gets a slab of its own size. */
export const SLAB_BYTES = 4 * 1024 * 1024;

/** Where one object's bytes are: slab number, offset and length. */
export interface BytesRef {
  slab: number;
  offset: number;
  length: number;
}

export class ByteArena {
  /** Slabs by number; a freed number stays undefined (numbers are never reused, so stale handles fail loudly). */
  private readonly slabs: (Uint8Array<ArrayBuffer> | undefined)[] = [];
  /** Live bytes per slab. */
  private readonly live: number[] = [];
  private current = -1;
  private used = 0;
  /** Bytes of every slab held. */
  allocated = 0;
  /** Bytes of every object held (allocated minus garbage and unused tails). */
  liveBytes = 0;

  /** Stores JSON text or its UTF-8 bytes; returns where. */
  store(json: string | Uint8Array): BytesRef {
    if (typeof json !== 'string') return this.copy(json);
    // A JS string of n UTF-16 units is at most 3n bytes of UTF-8: small ones are encoded in place.
    if (json.length * 3 > SLAB_BYTES / 4) return this.copy(encoder.encode(json));
    const slab = this.tail(json.length * 3);
    const offset = this.used;
    const { read, written } = encoder.encodeInto(json, slab.subarray(offset));
    if (read !== json.length) throw new Error('byte arena: encodeInto stopped short of the room it was given');
    return this.commit(this.current, offset, written);
  }

  view(ref: BytesRef): Uint8Array<ArrayBuffer> {
    const slab = this.slabs[ref.slab];
    if (!slab) throw new Error(`byte arena: slab ${ref.slab} was freed`);
    return slab.subarray(ref.offset, ref.offset + ref.length);
  }

  /** The object at `ref` is no longer held; its slab is freed once nothing in it is. */
  release(ref: BytesRef): void {
    const left = (this.live[ref.slab] ?? 0) - ref.length;
    this.live[ref.slab] = left;
    this.liveBytes -= ref.length;
    if (left === 0 && ref.slab !== this.current) this.free(ref.slab);
  }

  /** Slabs held, oldest first, with their size and live bytes. */
  slabStats(): { slab: number; size: number; live: number }[] {
    const stats: { slab: number; size: number; live: number }[] = [];
    this.slabs.forEach((slab, i) => {
      if (slab) stats.push({ slab: i, size: slab.byteLength, live: this.live[i] ?? 0 });
    });
    return stats;
  }

  get currentSlab(): number {
    return this.current;
  }

  /** Forgets a slab whatever it holds (the caller has dropped every handle into it). */
  free(slab: number): void {
    const bytes = this.slabs[slab];
    if (!bytes) return;
    this.allocated -= bytes.byteLength;
    this.liveBytes -= this.live[slab] ?? 0;
    this.slabs[slab] = undefined;
    this.live[slab] = 0;
    if (slab === this.current) {
      this.current = -1;
      this.used = 0;
    }
  }

  private copy(bytes: Uint8Array): BytesRef {
    const length = bytes.byteLength;
    if (length > SLAB_BYTES / 4) {
      // A large object gets a slab of its own size, outside the sequence of shared slabs.
      const own = this.allocate(length);
      (this.slabs[own] as Uint8Array).set(bytes);
      return this.commit(own, 0, length);
    }
    const slab = this.tail(length);
    const offset = this.used;
    slab.set(bytes, offset);
    return this.commit(this.current, offset, length);
  }

  private commit(slab: number, offset: number, length: number): BytesRef {
    if (slab === this.current) this.used = offset + length;
    this.live[slab] = (this.live[slab] ?? 0) + length;
    this.liveBytes += length;
    return { slab, offset, length };
  }

  /** The current slab, with room for `need` (at most a quarter slab) bytes at `used`; a new one when it has not. */
  private tail(need: number): Uint8Array<ArrayBuffer> {
    const slab = this.current >= 0 ? this.slabs[this.current] : undefined;
    if (slab && slab.byteLength - this.used >= need) return slab;
    // The slab left behind keeps its unused tail until it is freed.
    const previous = this.current;
    this.current = this.allocate(SLAB_BYTES);
    this.used = 0;
    if (previous >= 0 && (this.live[previous] ?? 0) === 0) this.free(previous);
    return this.slabs[this.current] as Uint8Array<ArrayBuffer>;
  }

  private allocate(size: number): number {
    this.slabs.push(new Uint8Array(size));
    this.live.push(0);
    this.allocated += size;
    return this.slabs.length - 1;
  }
}
