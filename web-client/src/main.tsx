// The page's first script, kept small (no React): a room link starts its camera, room chunk, data
// and socket the moment this runs (room/early-start.ts); the app itself follows in its own chunk,
// which index.html preloads beside this one (vite.config.ts), so it costs no extra round trip.
import { startRoomEarly } from './room/early-start.ts';
import './styles.css';

startRoomEarly(window.location.pathname);

import('./boot.tsx').then(
  ({ boot }) => boot(),
  () => {
    // The app's chunk did not arrive (network gone, a deploy replaced it): say so instead of a blank page.
    const root = document.getElementById('root');
    if (!root) return;
    const note = document.createElement('p');
    note.setAttribute('role', 'alert');
    note.textContent = '页面加载失败，请检查网络后刷新页面重试。';
    root.replaceChildren(note);
  },
);
