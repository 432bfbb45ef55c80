// React and the app, rendered into #root (loaded by main.tsx).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';

export function boot(): void {
  const el = document.getElementById('root');
  if (!el) throw new Error('#root missing');
  createRoot(el).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
