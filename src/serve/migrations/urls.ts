/**
 * Returns the path of a migration's status route. Workflow ids contain slashes
 * (`whm-migrate/dest.example.com/wave-1`), so the id is URL-encoded into one path segment.
 */
export function migrationUrl(workflowId: string): string {
  return `/migrations/${encodeURIComponent(workflowId)}`;
}
