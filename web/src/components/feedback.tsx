import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

/** An API error as the hub said it: the message, each field's problem, the status. */
export function ErrorMessage({ error }: { error: Error | undefined }) {
  if (!error) return null;
  const api = error instanceof ApiError ? error : undefined;
  return (
    <div className="error" role="alert">
      <strong>{api?.status ? `${api.status}${api.code ? ` ${api.code}` : ''}: ` : ''}</strong>
      {error.message}
      {api && api.details.length > 1 && (
        <ul>
          {api.details.map((d, i) => (
            <li key={i}>
              <code>{d.field}</code>: {d.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** What to do when there is nothing to show yet. */
export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function Loading({ what }: { what: string }) {
  return <p className="muted" aria-busy="true">Loading {what}…</p>;
}

const STATE_CLASS: Record<string, string> = { degraded: 'busy', backoff: 'busy', waiting: 'busy', unauthorized: 'bad', connected: 'ok', succeeded: 'ok', finished: 'ok', ok: 'ok', Production: 'ok', running: 'busy', connecting: 'busy', queued: 'busy', Staging: 'busy', restarting: 'busy', failed: 'bad', error: 'bad', disconnected: 'bad', drift: 'bad' };

export function Badge({ value }: { value: string }) {
  return <span className={`badge ${STATE_CLASS[value] ?? ''}`}>{value}</span>;
}

export function Progress({ value, label }: { value: number; label: string }) {
  const percent = Math.round(value * 100);
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
      <div className="track">
        <div style={{ width: `${percent}%` }} />
      </div>
      <span>{percent}%</span>
    </div>
  );
}

export const formatTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '–');
export const formatNumber = (value: number | null | undefined, digits = 3) => (value === null || value === undefined || Number.isNaN(value) ? '–' : Number.isInteger(value) ? String(value) : value.toFixed(digits));
