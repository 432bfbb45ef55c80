// Which columns hold personal data and are sealed at rest (signaling/privacy/field-crypto.ts), and
// the relations a query can reach them through. The one list to extend when a model gains such a
// column; tests/operations/encrypted-fields.test.ts checks the relations against the generated
// Prisma data model and that every listed column exists.
export interface SealedModel {
  /** String columns sealed as enc:v1:… text. */
  text?: readonly string[];
  /** Bytes columns sealed with the binary header. */
  bytes?: readonly string[];
  /** Text columns that can be looked up by value: column → the column holding its blind index. */
  blind?: Readonly<Record<string, string>>;
}

export const SEALED_MODELS: Readonly<Record<string, SealedModel>> = {
  // 联系电话, 身份证号码, 住所, 送达地址, 民族; an organisation's 统一社会信用代码, 法定代表人 and 电子印章;
  // a 法定代理人's relationship to the minor (a family relation).
  Participant: {
    text: ['phone', 'idNumber', 'address', 'serviceAddress', 'ethnicity', 'creditCode', 'representative', 'guardianRelationship'],
    bytes: ['sealPng'],
    blind: { phone: 'phoneIndex', idNumber: 'idNumberIndex' },
  },
  // An agent's 授权委托书, an organisation's 营业执照 and 法定代表人身份证明书.
  PartyDocument: { text: ['fileName'], bytes: ['bytes'] },
  // The 送达地址 and phone given when applying for judicial confirmation.
  JudicialApplicant: { text: ['serviceAddress', 'phone'], bytes: ['applicationSignaturePng'] },
  // Handwritten signatures and an organisation's 电子印章 printed beside its representative's; the
  // signer's IP address and device (the court and the organisation verify them against the digest
  // printed on every party's copy).
  AgreementSignature: { text: ['ip', 'userAgent'], bytes: ['png', 'sealPng'] },
  // The agreement draft and its versions carry the parties' particulars and bank accounts.
  DraftUpdate: { bytes: ['update'] },
  AgreementVersion: { bytes: ['state'] },
  // The locked text (parties, clauses) and the issued PDF.
  SigningRound: { text: ['snapshot'], bytes: ['pdf'] },
  // 司法确认申请书 and 民事裁定书 print the parties' particulars.
  JudicialApplication: { bytes: ['applicationPdf', 'rulingPdf'] },
  // The court's documents (受理通知书, 询问笔录, rulings, …) print the parties' particulars.
  JudicialCourtDocument: { bytes: ['pdf'] },
  // A registered matter: what happened and where; its parties' names, phones, ID numbers and
  // addresses (names indexed too: the duplicate check looks for the same parties); photos.
  // The place is indexed too: the duplicate check looks for the same address and dispute type.
  Matter: { text: ['summary', 'place'], blind: { place: 'placeIndex' } },
  MatterParty: {
    text: ['name', 'phone', 'idNumber', 'address'],
    blind: { name: 'nameIndex', phone: 'phoneIndex', idNumber: 'idNumberIndex' },
  },
  MatterAttachment: { bytes: ['bytes'] },
  // #17 procedure: what the parties said (调解笔录), a 回避 objection's reason, signatures, the documents.
  MinutesEntry: { text: ['text'] },
  MinutesRecord: { text: ['snapshot'], bytes: ['pdf'] },
  MinutesSignature: { bytes: ['png'] },
  RecusalObjection: { text: ['reason'] },
  MediationTermination: { text: ['reason'], bytes: ['noticePdf'] },
  // #16: what a party or mediator wrote about performance and the obligor's proof of payment; a
  // rating's comment; what was said in a 回访.
  ObligationEvent: { text: ['note', 'fileName'], bytes: ['bytes'] },
  ServiceRating: { text: ['comment'] },
  // #16 电子卷宗: the archived dossier prints every party's particulars.
  CaseArchive: { bytes: ['dossierPdf'] },
  FollowUpRecord: { text: ['content', 'partyOpinion', 'performance'] },
  FollowUpTask: { text: ['outcomeNote'], bytes: ['recordPdf'] },
};

/** Relation fields of every model → the related model (from prisma/schema.prisma). */
export const RELATIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Centre: { units: 'Organisation', matters: 'Matter' },
  Organisation: { centre: 'Centre', users: 'User', cases: 'Case' },
  User: { org: 'Organisation', court: 'Court', sessions: 'UserSession', cases: 'Case', coMediating: 'CaseCoMediator' },
  UserSession: { user: 'User' },
  Case: {
    org: 'Organisation',
    mediator: 'User',
    participants: 'Participant',
    invitations: 'Invitation',
    chatMessages: 'ChatMessage',
    draftUpdates: 'DraftUpdate',
    agreementVersions: 'AgreementVersion',
    caucusNotepads: 'CaucusNotepad',
    signingRounds: 'SigningRound',
    judicialApplication: 'JudicialApplication',
    coMediators: 'CaseCoMediator',
    matter: 'Matter',
    noticeAcknowledgements: 'NoticeAcknowledgement',
    recusalDeclarations: 'RecusalDeclaration',
    recusalObjections: 'RecusalObjection',
    termination: 'MediationTermination',
    minutesEntries: 'MinutesEntry',
    minutesRecords: 'MinutesRecord',
  },
  CaseCoMediator: { case: 'Case', user: 'User' },
  Participant: { case: 'Case', invitations: 'Invitation', documents: 'PartyDocument', privacyConsents: 'PartyPrivacyConsent' },
  PartyDocument: { participant: 'Participant' },
  // Purpose, notice version and times only: nothing sealed.
  PartyPrivacyConsent: { participant: 'Participant' },
  Invitation: { case: 'Case', participant: 'Participant', uses: 'InvitationUse' },
  InvitationUse: { invitation: 'Invitation' },
  ChatMessage: { case: 'Case' },
  DraftUpdate: { case: 'Case' },
  AgreementVersion: { case: 'Case' },
  CaucusNotepad: { case: 'Case' },
  SigningRound: { case: 'Case', consents: 'ClauseConsent', signatures: 'AgreementSignature', codes: 'SigningCode' },
  ClauseConsent: { round: 'SigningRound' },
  AgreementSignature: { round: 'SigningRound' },
  SigningCode: { round: 'SigningRound' },
  Court: { judges: 'User', applications: 'JudicialApplication' },
  JudicialApplication: {
    case: 'Case',
    court: 'Court',
    applicants: 'JudicialApplicant',
    materials: 'JudicialMaterial',
    documents: 'JudicialCourtDocument',
    bundles: 'JudicialCourtBundle',
  },
  JudicialCourtDocument: { application: 'JudicialApplication', services: 'JudicialService' },
  JudicialService: { document: 'JudicialCourtDocument' },
  JudicialApplicant: { application: 'JudicialApplication' },
  JudicialMaterial: { application: 'JudicialApplication' },
  JudicialCourtBundle: { application: 'JudicialApplication' },
  Matter: { centre: 'Centre', case: 'Case', parties: 'MatterParty', ownerships: 'MatterOwnership', events: 'MatterEvent', attachments: 'MatterAttachment' },
  MatterParty: { matter: 'Matter' },
  MatterOwnership: { matter: 'Matter' },
  MatterEvent: { matter: 'Matter' },
  MatterAttachment: { matter: 'Matter' },
  NoticeAcknowledgement: { case: 'Case' },
  RecusalDeclaration: { case: 'Case' },
  RecusalObjection: { case: 'Case' },
  MediationTermination: { case: 'Case' },
  MinutesEntry: { case: 'Case' },
  MinutesRecord: { case: 'Case', signatures: 'MinutesSignature' },
  MinutesSignature: { record: 'MinutesRecord' },
  Obligation: { events: 'ObligationEvent' },
  ObligationEvent: { obligation: 'Obligation' },
  FollowUpTask: { records: 'FollowUpRecord' },
  FollowUpRecord: { task: 'FollowUpTask' },
};

/** Prisma's model name (Participant) from the delegate name (participant) and back. */
export const delegateName = (model: string) => model[0]!.toLowerCase() + model.slice(1);
