// The icons the loaded code has named so far: scripts/icon-imports.ts puts a registration of each
// icon a module mentions at the top of that module; BundledIcon draws from here.
export interface IconData { body: string, width?: number, height?: number, left?: number, top?: number }

export const icons = new Map<string, IconData>()

export function registerIcon(name: string, data: IconData) {
  icons.set(name, data)
}
