// 街道/乡镇 and, when that 街镇 has any in the centre's list, 社区: optional on the desk and grid
// forms. The value is one code (a 社区's when one is chosen, else its 街镇's, '' for none), which the
// server checks against the same list (AREA_UNKNOWN otherwise).
import { areasApi } from '../../api/areas.ts';
import { Field } from '../../components/Field.tsx';
import { useLoaded } from '../../use-loaded.ts';

export function AreaSelect({ id, value, onChange }: { id: string; value: string; onChange(code: string): void }) {
  const { data, error, load } = useLoaded(() => areasApi.list(), '街道、社区列表加载失败');
  const townCode = value.slice(0, 9);
  const town = data?.towns.find((t) => t.code === townCode);
  return (
    <>
      <Field
        label="街道/乡镇"
        htmlFor={`${id}-town`}
        hint={
          error ? (
            <span role="alert">
              {error}，可不选继续提交。{' '}
              <button type="button" className="btn btn--ghost btn--small" onClick={() => void load()} data-testid={`${id}-retry`}>
                重试
              </button>
            </span>
          ) : data?.about.startsWith('示例') ? (
            // Until the centre puts its checked list in data/areas.json (README: Intake at the centre).
            '区划表为示例数据，尚未按民政部门公布的代码核对，请告知管理员'
          ) : undefined
        }
      >
        <select id={`${id}-town`} data-testid={`${id}-town`} value={town ? town.code : ''} disabled={!data} onChange={(e) => onChange(e.target.value)}>
          <option value="">{data ? '不选' : error ? '（列表未加载）' : '正在加载…'}</option>
          {data?.towns.map((t) => (
            <option key={t.code} value={t.code}>
              {t.name}
            </option>
          ))}
        </select>
      </Field>
      {town && town.communities.length > 0 && (
        <Field label="社区" htmlFor={`${id}-community`}>
          <select
            id={`${id}-community`}
            data-testid={`${id}-community`}
            value={value.length === 12 ? value : ''}
            onChange={(e) => onChange(e.target.value || town.code)}
          >
            <option value="">不选（只记到街道/乡镇）</option>
            {town.communities.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
      )}
    </>
  );
}
