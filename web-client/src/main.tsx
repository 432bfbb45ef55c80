import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { startRoomEarly } from './room/early-start.ts';
import './styles.css';

// A room link: camera, room chunk, data and socket start now, alongside React's first render.
startRoomEarly(window.location.pathname);

const el = document.getElementById('root');
if (!el) throw new Error('#root missing');
createRoot(el).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
