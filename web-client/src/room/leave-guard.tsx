// Leaving the room by accident. The browser's back button asks first (an extra history entry
// catches it), closing or reloading the tab gets the browser's own prompt. Leaving this way does
// not tell the server: like a dropped connection, the place is kept for the reconnect grace, so
// coming back within it skips the lobby. Only 离开 in the toolbar leaves for real.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ConfirmDialog } from '../components/ConfirmDialog.tsx';
import { navigate } from '../router.tsx';

const TRAP_KEY = 'jiefenRoomTrap';

const isTrap = (state: unknown): boolean => typeof state === 'object' && state !== null && TRAP_KEY in state;

export interface LeaveGuard {
  /** The back button was pressed: the question is on screen. */
  asking: boolean;
  stay(): void;
  goBack(): void;
}

/** `fallbackTo`: where back leads when the room is the tab's first page (opened straight from a link). */
export function useLeaveGuard(active: boolean, fallbackTo: string): LeaveGuard {
  const [asking, setAsking] = useState(false);
  const goingBack = useRef(false);

  useEffect(() => {
    if (!active) return;
    if (!isTrap(window.history.state)) window.history.pushState({ [TRAP_KEY]: true }, '', window.location.href);
    const onPopState = (e: PopStateEvent) => {
      if (goingBack.current || isTrap(e.state)) return;
      setAsking(true);
    };
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (goingBack.current) return; // already asked: back leaves the app
      e.preventDefault();
      e.returnValue = ''; // older Chromium asks only when returnValue is set
    };
    window.addEventListener('popstate', onPopState);
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      window.removeEventListener('popstate', onPopState);
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [active]);

  const stay = useCallback(() => {
    window.history.pushState({ [TRAP_KEY]: true }, '', window.location.href);
    setAsking(false);
  }, []);

  const goBack = useCallback(() => {
    goingBack.current = true;
    setAsking(false);
    // Back within the app fires popstate, back out of it unloads the page; with nothing to go back
    // to neither happens, and the room gives way to the page it came from.
    let moved = false;
    const onMoved = () => {
      moved = true;
    };
    window.addEventListener('popstate', onMoved, { once: true });
    window.history.back();
    window.setTimeout(() => {
      window.removeEventListener('popstate', onMoved);
      if (!moved) navigate(fallbackTo, { replace: true });
    }, 500);
  }, [fallbackTo]);

  return { asking, stay, goBack };
}

export function LeaveByBackDialog({ guard }: { guard: LeaveGuard }) {
  return (
    <ConfirmDialog title="要离开调解室吗？" confirmText="离开" danger onConfirm={guard.goBack} onCancel={guard.stay}>
      <p>您按了返回键。离开后调解仍在进行；短时间内重新打开本页面，可直接回到调解室，无需重新等待。</p>
    </ConfirmDialog>
  );
}

export function LeaveRoomDialog({ onLeave, onCancel }: { onLeave(): void; onCancel(): void }) {
  return (
    <ConfirmDialog title="离开调解室？" confirmText="离开调解室" danger onConfirm={onLeave} onCancel={onCancel}>
      <p>离开后如需再次进入，需要重新等待调解员准许。</p>
    </ConfirmDialog>
  );
}
