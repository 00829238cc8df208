// The error a function throws, typed, for assertions on its fields; fails when nothing is thrown.
export function thrown<T>(type: abstract new (...args: never[]) => T, run: () => unknown): T {
  try {
    run()
  }
  catch (error) {
    if (error instanceof type) return error
    throw error
  }
  throw new Error(`expected a ${type.name} to be thrown`)
}
