import type { ComponentChildren } from 'preact';
import { stateName } from '../states.js';

/** A state as a coloured badge. */
export function StateBadge({ state }: { state: string }) {
  return <span class={`badge state-${state.toLowerCase()}`}>{stateName(state)}</span>;
}

/** An error as the server worded it (MLflow filter errors keep their caret line). */
export function ErrorBox({ error }: { error: Error | undefined }) {
  if (!error) return null;
  return (
    <pre class="error" role="alert">
      {error.message}
    </pre>
  );
}

/** A titled section of a page. */
export function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="panel">
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** A two-column table of a record. */
export function KeyValueTable({ entries, empty }: { entries: [string, string][]; empty: string }) {
  if (entries.length === 0) return <p class="muted">{empty}</p>;
  return (
    <table class="kv">
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th>{k}</th>
            <td>{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
