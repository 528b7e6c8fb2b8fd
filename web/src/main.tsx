import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { applyTheme, storedTheme, watchSystemTheme } from './lib/theme';
import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/feedback.css';
import './styles/overlays.css';
import './styles/forms.css';
import './styles/tables.css';
import './styles/pages.css';
import './styles/charts.css';
import './styles/issues.css';
import './styles/performance.css';
import './styles/uptime.css';
import './styles/status-pages.css';
import './styles/backups.css';

applyTheme(storedTheme());
watchSystemTheme(storedTheme);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
