// Reference data every screen names things with: members, items, depots (loaded once, reloaded
// when the event stream says a depot or item changed).

import { listAll } from "./api.js";

export async function loadStore() {
  const store = {
    members: [],
    items: [],
    depots: [],
    stale: new Set(),
    member(code) {
      return this.byMember.get(code);
    },
    item(code) {
      return this.byItem.get(code);
    },
    depot(id) {
      return this.byDepot.get(Number(id));
    },
    invalidate(kind) {
      this.stale.add(kind);
    },
    async reloadMembers() {
      this.members = await listAll("/members");
      this.index();
    },
    async reload() {
      if (this.stale.size === 0) return; // nothing changed: the same names, the same generation
      if (this.stale.has("depot")) this.depots = await listAll("/depots");
      if (this.stale.has("item")) this.items = await listAll("/items");
      this.stale.clear();
      this.index();
    },
    generation: 0, // counts re-indexings: a screen showing names redraws when it moves
    index() {
      this.byMember = new Map(this.members.map((m) => [m.code, m]));
      this.byItem = new Map(this.items.map((i) => [i.code, i]));
      this.byDepot = new Map(this.depots.map((d) => [d.id, d]));
      this.generation += 1;
    },
  };
  [store.members, store.items, store.depots] = await Promise.all([
    listAll("/members"),
    listAll("/items"),
    listAll("/depots"),
  ]);
  store.index();
  return store;
}
