export function JudgeHome() {
  return (
    <section className="card empty" data-testid="judge-home">
      <h1 className="card__title">法官工作台（即将上线）</h1>
      <p className="muted">司法确认申请的审查功能正在开发中，敬请期待。</p>
    </section>
  );
}
