import { UsersSection } from './UsersSection.tsx';
import { OrgSection } from './OrgSection.tsx';
import { UnitsSection } from './UnitsSection.tsx';

export function AdminPage() {
  return (
    <>
      <div className="page__head">
        <h1 className="page__title">系统管理</h1>
      </div>
      <OrgSection />
      <UsersSection />
      <UnitsSection />
    </>
  );
}
