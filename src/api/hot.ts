// `import.meta.hot` in modules modts loads: the name and shape users know from Vite's
// server-side module runner. Part of the public API (mod.ts).

/** What a module can do about being replaced (edited) or unloaded (server stop). */
export interface ModuleHot {
  /**
   * Runs `callback` before this version of the module is replaced by a new one, or when the
   * server stops: close what the module opened. It receives `data`.
   */
  dispose(callback: (data: Record<string, unknown>) => void | Promise<void>): void;
  /** Kept from one version of the module to the next (empty for the first). */
  readonly data: Record<string, unknown>;
}
