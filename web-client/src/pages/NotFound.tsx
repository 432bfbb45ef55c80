import { Link } from '../router.tsx';

export function NotFound({ message = '页面不存在' }: { message?: string }) {
  return (
    <section className="card empty" data-testid="not-found">
      <h1 className="card__title">{message}</h1>
      <Link to="/" className="btn btn--primary">
        返回首页
      </Link>
    </section>
  );
}
