// The details the agreement and the court documents print about a party (signaling/domain/party-details.ts):
// 住所 and 民族 for a person (性别 and 出生日期 are read from the ID number, shown, never typed), 统一社会信用代码,
// 法定代表人（负责人）and 职务 and 住所地 for an organisation, and a 送达地址 that defaults to the 住所.
// The server validates; the form only keeps what the chosen person type needs.
import { formatDateCn } from '../../../../signaling/agreement/dates.ts';
import { ETHNIC_GROUPS } from '../../../../signaling/domain/ethnicity.ts';
import { PERSON_TYPE_LABELS, PERSON_TYPES, type PersonType } from '../../../../signaling/domain/party-details.ts';
import type { ParticipantDetails } from '../../api.ts';
import { Field } from '../../components/Field.tsx';

export interface DetailsDraft {
  personType: PersonType;
  address: string;
  serviceSame: boolean;
  serviceAddress: string;
  ethnicity: string;
  creditCode: string;
  representative: string;
  representativeTitle: string;
}

export const EMPTY_DETAILS: DetailsDraft = {
  personType: 'natural',
  address: '',
  serviceSame: true,
  serviceAddress: '',
  ethnicity: '',
  creditCode: '',
  representative: '',
  representativeTitle: '',
};

/** A participant's stored details as a form draft. */
export function detailsDraftOf(p: {
  personType: PersonType;
  address: string | null;
  serviceAddress: string | null;
  ethnicity: string | null;
  creditCode: string | null;
  representative: string | null;
  representativeTitle: string | null;
}): DetailsDraft {
  return {
    personType: p.personType,
    address: p.address ?? '',
    serviceSame: !p.serviceAddress,
    serviceAddress: p.serviceAddress ?? '',
    ethnicity: p.ethnicity ?? '',
    creditCode: p.creditCode ?? '',
    representative: p.representative ?? '',
    representativeTitle: p.representativeTitle ?? '',
  };
}

/** The request body for a draft: empty text clears; what the person type does not use is sent empty. */
export function detailsBody(d: DetailsDraft): ParticipantDetails {
  const legal = d.personType === 'legal';
  const v = (s: string) => (s.trim() ? s.trim() : null);
  return {
    personType: d.personType,
    address: v(d.address),
    serviceAddress: d.serviceSame ? null : v(d.serviceAddress),
    ethnicity: legal ? null : v(d.ethnicity),
    creditCode: legal ? v(d.creditCode) : null,
    representative: legal ? v(d.representative) : null,
    representativeTitle: legal ? v(d.representativeTitle) : null,
  };
}

interface Props {
  /** Prefix of the element ids (one form per page section). */
  idPrefix: string;
  draft: DetailsDraft;
  onChange(d: DetailsDraft): void;
  /** Read from the ID number, when known (edit form). */
  derived?: { gender: string | null; birthDate: string | null } | null;
}

export function PartyDetailsFields({ idPrefix, draft, onChange, derived }: Props) {
  const set = <K extends keyof DetailsDraft>(k: K, v: DetailsDraft[K]) => onChange({ ...draft, [k]: v });
  const legal = draft.personType === 'legal';
  const id = (k: string) => `${idPrefix}-${k}`;
  return (
    <fieldset className="form__group" data-testid="participant-details">
      <legend className="subhead">协议书和法院文书中的当事人信息</legend>
      <Field label="当事人类型" htmlFor={id('person-type')}>
        <select
          id={id('person-type')}
          data-testid="participant-person-type"
          value={draft.personType}
          onChange={(e) => set('personType', e.target.value as PersonType)}
        >
          {PERSON_TYPES.map((t) => (
            <option key={t} value={t}>
              {PERSON_TYPE_LABELS[t]}
            </option>
          ))}
        </select>
      </Field>
      {!legal && (
        <>
          {derived?.birthDate && (
            <p className="small muted" data-testid="participant-derived">
              性别、出生日期由身份证号码得出：{derived.gender}，{formatDateCn(derived.birthDate)}出生
            </p>
          )}
          {!derived && <p className="small muted">性别、出生日期将由身份证号码自动得出，无需填写。</p>}
          <Field label="民族" htmlFor={id('ethnicity')} hint="如：汉族、蒙古族">
            <input
              id={id('ethnicity')}
              data-testid="participant-ethnicity"
              list={id('ethnic-groups')}
              autoComplete="off"
              maxLength={20}
              value={draft.ethnicity}
              onChange={(e) => set('ethnicity', e.target.value)}
            />
            <datalist id={id('ethnic-groups')}>
              {ETHNIC_GROUPS.map((g) => (
                <option key={g} value={g} />
              ))}
            </datalist>
          </Field>
        </>
      )}
      {legal && (
        <>
          <Field label="统一社会信用代码" htmlFor={id('credit-code')} hint="18位，见营业执照">
            <input
              id={id('credit-code')}
              data-testid="participant-credit-code"
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              maxLength={30}
              value={draft.creditCode}
              onChange={(e) => set('creditCode', e.target.value)}
            />
          </Field>
          <div className="form__pair">
            <Field label="法定代表人（负责人）" htmlFor={id('representative')}>
              <input
                id={id('representative')}
                data-testid="participant-representative"
                autoComplete="off"
                maxLength={40}
                value={draft.representative}
                onChange={(e) => set('representative', e.target.value)}
              />
            </Field>
            <Field label="职务" htmlFor={id('representative-title')} hint="如：总经理、董事长">
              <input
                id={id('representative-title')}
                data-testid="participant-representative-title"
                autoComplete="off"
                maxLength={30}
                value={draft.representativeTitle}
                onChange={(e) => set('representativeTitle', e.target.value)}
              />
            </Field>
          </div>
        </>
      )}
      <Field
        label={legal ? '住所地' : '住所'}
        htmlFor={id('address')}
        hint={legal ? '营业执照上的住所' : '户籍地或经常居住地，写明省、市、区（县）、街道和门牌号'}
      >
        <input
          id={id('address')}
          data-testid="participant-address"
          autoComplete="off"
          maxLength={200}
          value={draft.address}
          onChange={(e) => set('address', e.target.value)}
        />
      </Field>
      <label className="check">
        <input type="checkbox" data-testid="participant-service-same" checked={draft.serviceSame} onChange={(e) => set('serviceSame', e.target.checked)} />
        送达地址与{legal ? '住所地' : '住所'}相同
      </label>
      {!draft.serviceSame && (
        <Field label="送达地址" htmlFor={id('service-address')} hint="法院文书寄送的地址">
          <input
            id={id('service-address')}
            data-testid="participant-service-address"
            autoComplete="off"
            maxLength={200}
            value={draft.serviceAddress}
            onChange={(e) => set('serviceAddress', e.target.value)}
          />
        </Field>
      )}
    </fieldset>
  );
}
