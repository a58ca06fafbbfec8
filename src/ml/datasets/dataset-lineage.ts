/** Run tags that say where a dataset came from: for historical features, the views and versions that made it. */
export function lineageTags(lineage: Record<string, unknown> | null): Record<string, string> {
  if (!lineage || typeof lineage.kind !== 'string') return {};
  const tags: Record<string, string> = { 'lineage.kind': lineage.kind };
  if (Array.isArray(lineage.featureViews)) {
    tags['lineage.featureViews'] = (lineage.featureViews as { name: string; version: number }[]).map((v) => `${v.name}@${v.version}`).join(',');
  }
  if (typeof lineage.entityRows === 'string') tags['lineage.entityRows'] = lineage.entityRows;
  return tags;
}
