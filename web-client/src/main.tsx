// The page's first script, kept small (no React): a room link starts its camera, room chunk, data
// and socket the moment this runs (room/early-start.ts); the app itself follows in its own chunk,
// which index.html preloads beside this one (vite.config.ts), so it costs no extra round trip.
import { startRoomEarly } from './room/early-start.ts';
import './styles.css';

startRoomEarly(window.location.pathname);

void import('./boot.tsx').then(({ boot }) => boot());
