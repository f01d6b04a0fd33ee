import type { ObjectEvent } from '../events.js';
import type { ObjectStore, OcpiStore } from './types.js';

type Record = (event: Pick<ObjectEvent, 'type' | 'module' | 'owner' | 'id' | 'object'>) => void;

/**
 * The store as one request sees it when someone listens to events: every write that changes an
 * object is recorded (an unchanged write is not), to be emitted once the answer is decided.
 */
export function observeStore(store: OcpiStore, record: Record): OcpiStore {
  const objects = store.objects;
  const observed: ObjectStore = {
    get: (key) => objects.get(key),
    list: (query) => objects.list(query),
    listJson: (query) => objects.listJson(query),
    async put(key, write) {
      const result = await objects.put(key, write);
      record({
        type: result.created ? 'object.created' : 'object.updated',
        module: key.module,
        owner: result.object.key.owner,
        id: key.id,
        object: result.object.data,
      });
      return result;
    },
    async update(key, mutate) {
      const outcome = await objects.update(key, mutate);
      if (outcome.kind === 'created' || outcome.kind === 'updated') {
        record({ type: `object.${outcome.kind}`, module: key.module, owner: outcome.object.key.owner, id: key.id, object: outcome.object.data });
      } else if (outcome.kind === 'deleted') {
        record({ type: 'object.deleted', module: key.module, owner: key.owner, id: key.id });
      }
      return outcome;
    },
    async delete(key) {
      const deleted = await objects.delete(key);
      if (deleted) record({ type: 'object.deleted', module: key.module, owner: key.owner, id: key.id });
      return deleted;
    },
  };
  // Everything else (partners, registration tokens, close, extensions) is the store's own.
  return Object.assign(Object.create(store) as OcpiStore, { objects: observed });
}
