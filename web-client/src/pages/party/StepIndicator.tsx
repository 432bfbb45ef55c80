const STEPS = ['身份确认', '同意在线调解', '完成'];

export function StepIndicator({ step }: { step: number }) {
  return (
    <ol className="steps" aria-label="办理步骤">
      {STEPS.map((label, i) => {
        const n = i + 1;
        const state = n < step ? 'done' : n === step ? 'current' : 'todo';
        return (
          <li key={label} className={`steps__item steps__item--${state}`} aria-current={state === 'current' ? 'step' : undefined}>
            <span className="steps__num">{n < step ? '✓' : n}</span>
            <span className="steps__label">{label}</span>
          </li>
        );
      })}
    </ol>
  );
}
