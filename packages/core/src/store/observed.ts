import type { ObjectEvent } from '../events.js';
import type { ListQuery, Mutation, ObjectKey, ObjectStore, ObjectWrite, OcpiStore } from './types.js';

type Record = (event: Pick<ObjectEvent, 'type' | 'module' | 'owner' | 'id' | 'object'>) => void;

/**
 * The store as one request sees it when someone listens to events: every write that changes an
 * object is recorded (an unchanged write is not), to be emitted once the answer is decided.
 */
export function observeStore(store: OcpiStore, record: Record): OcpiStore {
  // Everything else (partners, registration tokens, close, extensions) is the store's own.
  return Object.assign(Object.create(store) as OcpiStore, { objects: new ObservedObjects(store.objects, record) });
}

/** The object store of one request: its methods on the prototype, so observing a request creates no closure. */
class ObservedObjects implements ObjectStore {
  constructor(
    private readonly objects: ObjectStore,
    private readonly record: Record,
  ) {}

  get<T>(key: ObjectKey) {
    return this.objects.get<T>(key);
  }

  list<T>(query: ListQuery) {
    return this.objects.list<T>(query);
  }

  listJson(query: ListQuery) {
    return this.objects.listJson(query);
  }

  async put<T>(key: ObjectKey, write: ObjectWrite<T>) {
    const result = await this.objects.put<T>(key, write);
    this.record({
      type: result.created ? 'object.created' : 'object.updated',
      module: key.module,
      owner: result.object.key.owner,
      id: key.id,
      object: result.object.data,
    });
    return result;
  }

  async update<T>(key: ObjectKey, mutate: Mutation<T>) {
    const outcome = await this.objects.update<T>(key, mutate);
    if (outcome.kind === 'created' || outcome.kind === 'updated') {
      this.record({ type: `object.${outcome.kind}`, module: key.module, owner: outcome.object.key.owner, id: key.id, object: outcome.object.data });
    } else if (outcome.kind === 'deleted') {
      this.record({ type: 'object.deleted', module: key.module, owner: key.owner, id: key.id });
    }
    return outcome;
  }

  async delete(key: ObjectKey) {
    const deleted = await this.objects.delete(key);
    if (deleted) this.record({ type: 'object.deleted', module: key.module, owner: key.owner, id: key.id });
    return deleted;
  }
}
