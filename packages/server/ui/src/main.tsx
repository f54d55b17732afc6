import { render } from 'preact';
import { LiveNotice } from './components/live-notice.js';
import { href, useRoute } from './router.js';
import { CompareView } from './views/compare.js';
import { ExperimentsView } from './views/experiments.js';
import { FlowRunView } from './views/flow-run.js';
import { FlowRunsView } from './views/flow-runs.js';
import { ModelView, ModelsView } from './views/models.js';
import { RunView } from './views/run.js';
import './styles.css';

function Page() {
  const { parts, query } = useRoute();
  const [section = 'flow-runs', id] = parts;
  switch (section) {
    case 'flow-runs':
      return id ? <FlowRunView key={id} runId={id} /> : <FlowRunsView />;
    case 'experiments':
      return <ExperimentsView experimentId={id} />;
    case 'runs':
      return id ? <RunView key={id} runId={id} /> : <ExperimentsView experimentId={undefined} />;
    case 'compare':
      return <CompareView runIds={(query.get('runs') ?? '').split(',').filter((r) => r !== '')} />;
    case 'models':
      return id ? <ModelView key={id} name={id} /> : <ModelsView />;
    default:
      return (
        <p>
          No page here. Go to <a href={href('flow-runs')}>flow runs</a>.
        </p>
      );
  }
}

function App() {
  const { parts } = useRoute();
  const section = parts[0] ?? 'flow-runs';
  const tab = (name: string, label: string, also: string[] = []) => (
    <a href={href(name)} class={section === name || also.includes(section) ? 'active' : ''}>
      {label}
    </a>
  );
  return (
    <>
      <header class="top">
        <span class="brand">tideflow</span>
        <nav>
          {tab('flow-runs', 'Flow runs')}
          {tab('experiments', 'Experiments', ['runs', 'compare'])}
          {tab('models', 'Models')}
        </nav>
      </header>
      <LiveNotice />
      <main>
        <Page />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
