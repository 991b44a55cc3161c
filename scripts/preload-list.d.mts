export function preloadList(dist?: string): { module: string[]; hls: string[] };
