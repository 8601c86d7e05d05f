type Handler<T> = (payload: T) => void

/** @internal */
export interface Emitter<M> {
  _on<K extends keyof M>(type: K, fn: Handler<M[K]>): () => void
  _emit<K extends keyof M>(type: K, payload: M[K]): void
  /** someone listens to `type` */
  _has(type: keyof M): boolean
}

/** mitt-style typed emitter; a throwing listener is isolated and reported. */
export function createEmitter<M>(onThrow: (e: unknown, type: keyof M) => void): Emitter<M> {
  const all = new Map<keyof M, Handler<never>[]>()
  return {
    _on(type, fn) {
      all.set(type, [...(all.get(type) || []), fn as Handler<never>])
      return () => all.set(type, all.get(type)!.filter((h) => h !== fn))
    },
    _has(type) {
      return !!all.get(type)?.length
    },
    _emit(type, payload) {
      // Iterate over the current array: (un)subscribing inside a handler builds a new one.
      for (const h of all.get(type) || [])
        try {
          ;(h as Handler<M[typeof type]>)(payload)
        } catch (e) {
          onThrow(e, type)
        }
    },
  }
}
