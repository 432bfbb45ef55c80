// Small inline SVG icons (currentColor), decorative: buttons carry text labels.
import type { ReactNode } from 'react';

function Svg({ children }: { children: ReactNode }) {
  return (
    <svg
      className="icon"
      viewBox="0 0 24 24"
      width="24"
      height="24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

export const MicIcon = ({ off }: { off?: boolean }) => (
  <Svg>
    <rect x="9" y="3" width="6" height="11" rx="3" />
    <path d="M5 11a7 7 0 0 0 14 0M12 18v3" />
    {off && <path d="M4 4l16 16" />}
  </Svg>
);

export const CameraIcon = ({ off }: { off?: boolean }) => (
  <Svg>
    <rect x="3" y="6" width="13" height="12" rx="2" />
    <path d="M16 10l5-3v10l-5-3" />
    {off && <path d="M3 3l18 18" />}
  </Svg>
);

/** 仅语音: a speaker with sound waves. */
export const AudioOnlyIcon = () => (
  <Svg>
    <path d="M4 9v6h4l5 4V5L8 9H4z" />
    <path d="M16 9a4 4 0 0 1 0 6M19 6a8 8 0 0 1 0 12" />
  </Svg>
);

export const ChatIcon = () => (
  <Svg>
    <path d="M4 5h16v11H9l-5 4z" />
  </Svg>
);

export const LobbyIcon = () => (
  <Svg>
    <circle cx="9" cy="8" r="3" />
    <path d="M3 20a6 6 0 0 1 12 0" />
    <circle cx="17" cy="9" r="2.5" />
    <path d="M16 14.5a5 5 0 0 1 5 5.5" />
  </Svg>
);

export const LeaveIcon = () => (
  <Svg>
    <path d="M14 4h5v16h-5M10 8l-4 4 4 4M6 12h10" />
  </Svg>
);

export const EndIcon = () => (
  <Svg>
    <path d="M3 14c5-5 13-5 18 0l-2.5 2.5-3-1.5v-2.5a10 10 0 0 0-7 0V15l-3 1.5z" />
  </Svg>
);

export const SpeakerIcon = () => (
  <Svg>
    <path d="M4 9h4l5-4v14l-5-4H4z" />
    <path d="M16 9a4 4 0 0 1 0 6M18.5 6.5a8 8 0 0 1 0 11" />
  </Svg>
);

/** 背对背: two people facing apart. */
export const CaucusIcon = () => (
  <Svg>
    <circle cx="7" cy="7" r="2.5" />
    <path d="M3 19v-3a4 4 0 0 1 6-3.5" />
    <circle cx="17" cy="7" r="2.5" />
    <path d="M21 19v-3a4 4 0 0 0-6-3.5" />
    <path d="M12 4v16" strokeDasharray="2 2" />
  </Svg>
);

export const NotepadIcon = () => (
  <Svg>
    <rect x="5" y="3" width="14" height="18" rx="2" />
    <path d="M9 8h6M9 12h6M9 16h4" />
  </Svg>
);

export const EarIcon = () => (
  <Svg>
    <path d="M7 10a5 5 0 0 1 10 0c0 3-3 4-3 7a3 3 0 0 1-5 2" />
    <path d="M10 10a2 2 0 0 1 4 0" />
  </Svg>
);

export const AgreementIcon = () => (
  <Svg>
    <path d="M14 3H6a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9z" />
    <path d="M14 3v6h6M8 13h8M8 17h5" />
  </Svg>
);

export const ScreenIcon = ({ off }: { off?: boolean }) => (
  <Svg>
    <rect x="3" y="4" width="18" height="12" rx="2" />
    <path d="M8 20h8M12 16v4" />
    {off ? <path d="M4 4l16 16" /> : <path d="M12 13V7M9.5 9.5 12 7l2.5 2.5" />}
  </Svg>
);

export const SwitchCameraIcon = () => (
  <Svg>
    <path d="M4 8h3l2-3h6l2 3h3v11H4z" />
    <path d="M9 13a3 3 0 0 1 5.2-2M15 13a3 3 0 0 1-5.2 2M14.5 9.5V11H13M9.5 16.5V15H11" />
  </Svg>
);
