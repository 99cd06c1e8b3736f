import type { Adapter, AdapterConstructor, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

/** Models whose instances belong to a grant and go away when it is revoked (as in oidc-provider's own adapter). */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

/**
 * Storage for one provider instance. oidc-provider's built-in memory adapter keeps a module-wide LRU shared by every
 * provider in the process (and warns on start); tests start several providers, so each gets its own store instead.
 * Nothing survives a restart, which is what a development provider wants.
 */
export function createMemoryAdapter(): AdapterConstructor {
  const entries = new Map<string, Entry>();
  const sessionsByUid = new Map<string, string>();
  const grants = new Map<string, Set<string>>();

  let writes = 0;
  // Expired entries are dropped when read; a sweep now and then keeps a long-running dev provider from growing.
  const sweep = () => {
    const now = Date.now();
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
    for (const [uid, id] of sessionsByUid) if (!entries.has(`Session:${id}`)) sessionsByUid.delete(uid);
    for (const [grantId, keys] of grants) {
      for (const key of keys) if (!entries.has(key)) keys.delete(key);
      if (keys.size === 0) grants.delete(grantId);
    }
  };

  const live = (key: string): AdapterPayload | undefined => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  };

  return class MemoryAdapter implements Adapter {
    constructor(readonly model: string) {}

    key(id: string): string {
      return `${this.model}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      if (++writes % 1000 === 0) sweep();
      const key = this.key(id);
      if (this.model === 'Session' && payload.uid !== undefined) sessionsByUid.set(payload.uid, id);
      if (GRANTABLE.has(this.model) && payload.grantId !== undefined) {
        const keys = grants.get(payload.grantId) ?? new Set<string>();
        keys.add(key);
        grants.set(payload.grantId, keys);
      }
      const expiresAt = Number.isFinite(expiresIn) ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
      entries.set(key, { payload, expiresAt });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return live(this.key(id));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = sessionsByUid.get(uid);
      return id === undefined ? undefined : this.find(id);
    }

    /** Only the device flow looks tokens up by user code, and it is not enabled. */
    async findByUserCode(_userCode: string): Promise<AdapterPayload | undefined> {
      return undefined;
    }

    async consume(id: string): Promise<void> {
      const payload = live(this.key(id));
      if (payload !== undefined) payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      entries.delete(this.key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const key of grants.get(grantId) ?? []) entries.delete(key);
      grants.delete(grantId);
    }
  };
}
