// The one vocabulary of refusals, shared by the HTTP API, the room socket, the drafting server and
// the web client. Each code has its HTTP status, a default Chinese message (shown to users as-is;
// a thrower may give a more precise one) and whether trying again later can help (`retry`), which
// is what clients key on (e.g. the room stops re-joining on a code that cannot change by waiting).
// The socket ack form is `{ ok: false, code, message }`; the HTTP body is `{ code, message }`.
// Add a code here rather than reusing an unrelated one: a code names one situation.

interface ErrorSpec {
  status: number;
  message: string;
  retry?: true;
}

export const ERRORS = {
  // ── input ──────────────────────────────────────────────────────────────────
  VALIDATION: { status: 400, message: '请求参数无效' },
  INVALID_ID_NUMBER: { status: 400, message: '身份证号码无效' },
  INVALID_PHONE: { status: 400, message: '手机号码无效' },
  INVALID_ADDRESS: { status: 400, message: '住所或送达地址填写不完整' },
  INVALID_ETHNICITY: { status: 400, message: '民族名称无效' },
  INVALID_CREDIT_CODE: { status: 400, message: '统一社会信用代码无效' },
  INVALID_REPRESENTATIVE: { status: 400, message: '法定代表人（负责人）信息无效' },
  IDENTITY_LOCKED: { status: 409, message: '当事人已核验身份，姓名和身份证号码不能再修改；如登记有误请移除后重新添加' },
  INVALID_IMAGE: { status: 400, message: '图片无效，请上传 PNG 图片' },
  INVALID_FILE: { status: 400, message: '文件内容与文件类型不符' },
  FILE_TOO_LARGE: { status: 413, message: '文件过大' },
  MESSAGE_TOO_LARGE: { status: 413, message: '消息过大，连接已关闭' },
  PDF_TOO_COMPLEX: { status: 422, message: 'PDF 文件结构过于复杂，无法在限定的时间和内存内核验' },
  IDENTITY_MISMATCH: { status: 400, message: '姓名或身份证后四位与登记信息不一致' },
  NOTHING_TO_CHANGE: { status: 400, message: '没有需要修改的内容' },
  UNKNOWN_STATUS: { status: 400, message: '未知的案件状态' },
  REASON_REQUIRED: { status: 400, message: '请填写原因' },
  AFFIRMATION_MISMATCH: { status: 400, message: '请完整输入确认语句' },
  CODE_WRONG: { status: 400, message: '验证码不正确' },
  CODE_EXPIRED: { status: 400, message: '验证码已过期或未发送，请重新获取' },
  CODE_USED: { status: 400, message: '验证码已使用，请重新获取' },
  CODE_ATTEMPTS_EXCEEDED: { status: 400, message: '验证码错误次数过多，请重新获取' },
  SMS_PHONE_REJECTED: { status: 409, message: '短信无法发送到登记的手机号，请联系调解员核对号码' },
  WEAK_PASSWORD: { status: 400, message: '新密码不符合要求' },
  CURRENT_PASSWORD_WRONG: { status: 400, message: '当前密码不正确' },

  // ── who is asking ──────────────────────────────────────────────────────────
  NOT_AUTHENTICATED: { status: 401, message: '请先登录' },
  METRICS_TOKEN_REQUIRED: { status: 401, message: '读取监控指标需要 METRICS_TOKEN（Authorization: Bearer）' },
  BAD_CREDENTIALS: { status: 401, message: '用户名或密码错误' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, message: '请先修改初始密码' },
  TOKEN_MALFORMED: { status: 401, message: '缺少邀请链接凭证，请通过调解员发送的链接打开' },
  TOKEN_INVALID: { status: 401, message: '邀请链接无效' },
  TOKEN_EXPIRED: { status: 401, message: '邀请链接已过期，请联系调解员重新发送' },
  TOKEN_REVOKED: { status: 401, message: '邀请链接已被撤销，请联系调解员' },
  TOKEN_WRONG_CASE: { status: 403, message: '该邀请链接不属于本案件' },
  CSRF: { status: 403, message: '请求校验失败，请刷新页面后重试' },
  ORIGIN_REJECTED: { status: 403, message: '跨站请求被拒绝' },

  // ── what they may do (grants) ──────────────────────────────────────────────
  FORBIDDEN: { status: 403, message: '您无权执行此操作' },
  ADMIN_NOT_MEDIATOR: { status: 403, message: '管理员不能担任案件调解员或以调解员身份签署' },
  NOT_A_SIGNER: { status: 403, message: '您无权确认或签署本协议（仅当事人及经授权的委托代理人可以签署）' },
  JUDGE_WITHOUT_COURT: { status: 403, message: '您的账号未关联法院' },
  PLAIN_RTP_DISABLED: { status: 403, message: '未启用负载测试用的明文 RTP 通道（LOAD_TEST_PLAIN_RTP）' },
  ADMIN_MUTED: { status: 403, message: '调解员已将您静音' },
  NOT_ADMITTED: { status: 403, message: '请等待调解员允许您进入' },
  SCREEN_SHARE_NOT_ALLOWED: { status: 403, message: '只有调解员（或主持询问的法官）可以共享屏幕' },

  // ── what does not exist (or is hidden) ─────────────────────────────────────
  NOT_FOUND: { status: 404, message: '请求的内容不存在' },
  CASE_NOT_FOUND: { status: 404, message: '案件不存在或您无权查看' },
  USER_NOT_FOUND: { status: 404, message: '账号不存在' },
  PARTICIPANT_NOT_FOUND: { status: 404, message: '当事人不存在' },
  INVITATION_NOT_FOUND: { status: 404, message: '邀请链接不存在' },
  COURT_NOT_FOUND: { status: 404, message: '法院不存在' },
  SEAL_NOT_FOUND: { status: 404, message: '尚未上传印章图片' },
  VERSION_NOT_FOUND: { status: 404, message: '协议版本不存在' },
  CLAUSE_NOT_IN_ROUND: { status: 404, message: '该条款不在锁定的协议版本中' },
  DOCUMENT_NOT_READY: { status: 404, message: '文书尚未生成' },
  ISSUED_RECORD_NOT_FOUND: { status: 404, message: '没有找到该协议书的出具记录' },
  APPLICATION_NOT_FOUND: { status: 404, message: '司法确认申请不存在' },
  MATERIAL_NOT_FOUND: { status: 404, message: '材料不存在' },
  PEER_NOT_FOUND: { status: 404, message: '参与人不存在' },
  TRANSPORT_NOT_FOUND: { status: 404, message: '媒体通道不存在', retry: true },
  PRODUCER_NOT_FOUND: { status: 404, message: '音视频源不存在', retry: true },
  CONSUMER_NOT_FOUND: { status: 404, message: '接收通道不存在', retry: true },

  // ── the case's own process ─────────────────────────────────────────────────
  ILLEGAL_TRANSITION: { status: 409, message: '案件当前状态不允许此变更' },
  TRANSITION_NOT_OWNED: { status: 409, message: '该状态只能由相应办理流程（签署、司法确认）产生' },
  STALE_STATE: { status: 409, message: '状态已被他人修改，请刷新后重试', retry: true },
  USERNAME_TAKEN: { status: 409, message: '用户名已被使用' },
  COURT_EXISTS: { status: 409, message: '法院已存在' },
  CANNOT_DEACTIVATE_SELF: { status: 409, message: '不能停用自己的账号' },
  IDENTITY_NOT_CONFIRMED: { status: 409, message: '请先核验身份' },
  LINK_ALREADY_REVOKED: { status: 409, message: '该链接已撤销' },
  NOT_A_COLLEAGUE: { status: 400, message: '只能指派综治中心各成员单位在岗的调解员' },
  ALREADY_ON_CASE: { status: 409, message: '该调解员已在本案中' },
  NOT_AN_AGENT: { status: 400, message: '只有委托代理人可以被授权代为签署' },
  POWER_OF_ATTORNEY_MISSING: {
    status: 409,
    message: '委托代理人代为签署调解协议，须先上传载明特别授权（代为承认、放弃、变更调解请求，进行和解，签署调解协议）的授权委托书',
  },
  GUARDIAN_REQUIRED: { status: 409, message: '该当事人未满十八周岁，应由其法定代理人代为确认和签署调解协议' },
  GUARDIAN_RELATIONSHIP_REQUIRED: { status: 400, message: '请登记法定代理人与当事人的关系（父亲、母亲、祖父母或外祖父母、兄姐或其他监护人）' },
  PARTY_SEAL_MISSING: { status: 409, message: '单位当事人签署前，调解员须先上传该单位的电子印章图片' },
  STANDING_PROOF_MISSING: { status: 409, message: '单位当事人签署前，调解员须先上传主体资格证明（营业执照、法定代表人身份证明书）' },
  DOCUMENT_NOT_APPLICABLE: { status: 400, message: '该材料不适用于此参与人' },
  PARTICIPANTS_FROZEN: { status: 409, message: '协议已锁定供签署，当事人名单不能变更；如需变更请先解除锁定' },

  // drafting
  DOC_NOT_INITIALISED: { status: 409, message: '协议草稿尚未创建' },
  DOC_ALREADY_INITIALISED: { status: 409, message: '协议草稿已创建' },
  DOC_INVALID: { status: 400, message: '协议草稿内容无效' },
  DRAFT_LOAD_FAILED: { status: 500, message: '协议草稿读取失败，请联系管理员' },
  DRAFT_UNAVAILABLE: { status: 503, message: '协议草稿暂时无法载入，请稍后重试', retry: true },
  CLAUSE_NOT_FOUND: { status: 404, message: '条款不存在' },
  PARTY_NOT_FOUND: { status: 404, message: '协议中没有该当事人' },
  FIELD_NOT_FOUND: { status: 404, message: '字段不存在' },
  SUGGESTION_NOT_FOUND: { status: 404, message: '修改建议不存在' },
  SUGGESTION_NOT_OPEN: { status: 409, message: '该修改建议已处理' },
  SUGGESTION_STALE: { status: 409, message: '条款内容已变化，该修改建议无法直接采纳' },
  COMMENT_NOT_FOUND: { status: 404, message: '意见不存在' },
  INVALID_RANGE: { status: 400, message: '选择的文字范围无效' },
  TEMPLATE_NOT_FOUND: { status: 500, message: '协议模板不存在' },
  TEMPLATE_MISMATCH: { status: 500, message: '协议模板与草稿不一致' },
  VARIANT_UNKNOWN: { status: 400, message: '未知的条款选项' },
  NOTEPAD_EMPTY: { status: 409, message: '记事本还没有内容' },

  // signing
  VERSION_NOT_SAVED: { status: 409, message: '请先在协议草稿中“保存版本”，再锁定该版本供签署' },
  PAPER_SIGNING_REQUIRED: { status: 409, message: '协议涉及婚姻、收养、继承等人身关系或停止公用事业服务，不能电子签署，请改为纸质签署' },
  AGREEMENT_HAS_ERRORS: { status: 409, message: '协议还有必须修改的问题' },
  AGREEMENT_EMPTY: { status: 409, message: '协议没有任何条款' },
  MISSING_GLYPHS: { status: 409, message: '协议中有无法打印的字符' },
  ROUND_ALREADY_OPEN: { status: 409, message: '已有锁定中的协议版本；如需修改请先解除锁定' },
  AGREEMENT_ALREADY_SIGNED: { status: 409, message: '协议已签署完毕' },
  NOT_LOCKED: { status: 409, message: '调解员尚未锁定协议供签署' },
  CASE_NOT_SIGNABLE: { status: 409, message: '只有调解中或已达成协议的案件才能锁定协议供签署' },
  CLAUSE_CHANGED: { status: 409, message: '条款内容已变化，请刷新后重新阅读' },
  CLAUSES_NOT_ACCEPTED: { status: 409, message: '还有协议条款未确认，请逐条阅读并确认后再签署' },
  ALREADY_SIGNED: { status: 409, message: '已签署' },
  SIGNATURES_PENDING: { status: 409, message: '还有当事人未签署' },
  SEAL_MISSING: { status: 409, message: '请管理员先在“机构设置”中上传人民调解委员会印章图片' },
  SEAL_INVALID: { status: 409, message: '印章图片已损坏，无法加盖；请管理员在“机构设置”中重新上传印章后再签署' },
  ISSUE_FAILED: { status: 500, message: '协议书生成失败，请稍后重试；已收集的签名均已保留', retry: true },

  // judicial confirmation
  NOT_YET_SIGNED: { status: 409, message: '协议书尚未签署完毕，签署后才能申请司法确认' },
  APPLICATION_ALREADY_SUBMITTED: { status: 409, message: '司法确认申请已提交' },
  COURT_MISMATCH: { status: 409, message: '双方须向同一法院申请' },
  ALREADY_APPLIED: { status: 409, message: '已确认申请，无需重复提交' },
  NO_COMPETENT_COURT: { status: 400, message: '请选择对本案有管辖权的法院' },
  REFERRED_COURT_ONLY: { status: 400, message: '本案系法院委派（邀请）调解，须向该法院申请司法确认' },
  INTERMEDIATE_COURT_ONLY: { status: 400, message: '本案纠纷应由中级人民法院管辖，须向相应的中级人民法院申请司法确认' },
  DOCUMENT_INCOMPLETE: { status: 409, message: '文书缺少必要内容' },
  APPLICATION_WRONG_STATE: { status: 409, message: '申请当前状态不允许此操作' },
  REVIEW_INCOMPLETE: { status: 409, message: '确认有效前请逐项审查' },
  MATERIALS_CLOSED: { status: 409, message: '当前不能上传材料' },
  MATERIALS_LIMIT: { status: 409, message: '材料数量已达上限' },
  APPLICATION_NOT_OWN: { status: 409, message: '至少须有一方当事人本人提出申请' },
  CONSENT_NOT_CONFIRMED: { status: 409, message: '调解员登记的同意须由该当事人本人确认' },
  NOTHING_TO_CONFIRM: { status: 409, message: '没有需要您确认的申请' },
  COURT_KEY_MISSING: { status: 409, message: '该法院的签名密钥未配置（生产模式不生成法院密钥）' },
  BUNDLE_NOT_FOUND: { status: 404, message: '没有找到该案卷包：请填写从本申请导出的案卷包编号' },
  RULING_NOT_PDF: { status: 400, message: '请上传 PDF 格式的裁定书' },
  RULING_SIGNATURE_INVALID: { status: 422, message: '裁定书的数字签名无效：文件在签署后被修改，或没有签名' },
  RULING_NOT_BY_COURT: { status: 422, message: '裁定书不是由受理法院的签名证书签署的' },

  // live rooms
  NOT_JOINED: { status: 409, message: '您尚未进入调解室' },
  ROOM_ENDED: { status: 410, message: '本次在线调解已结束' },
  ROOM_CLOSED: { status: 410, message: '调解室已关闭' },
  ALREADY_IN_OTHER_ROOM: { status: 409, message: '您已在另一个调解室中' },
  INVALID_STATE: { status: 409, message: '当前状态下不能执行此操作', retry: true },
  PEER_EXISTS: { status: 409, message: '参与人已在调解室中', retry: true },
  PEER_CLOSED: { status: 409, message: '您已离开调解室' },
  CANNOT_CONSUME: { status: 400, message: '您的设备不支持该音视频格式' },
  CAUCUS_ENDED: { status: 409, message: '该单独沟通已结束' },
  NOT_WAITING: { status: 409, message: '调解员就在调解室中' },
  WAITING_FOR_MEDIATOR: { status: 409, message: '调解员正在单独沟通，暂时无法发送消息' },
  CANNOT_REMOVE_MEDIATOR: { status: 409, message: '不能移出调解员' },
  OTHER_SIDE_NOTEPAD: { status: 403, message: '只能查看本方的记事本' },

  // ── the centre: intake, 分流, 首接负责 ─────────────────────────────────────────
  MATTER_NOT_FOUND: { status: 404, message: '登记事项不存在或您无权查看' },
  UNIT_NOT_FOUND: { status: 404, message: '成员单位不存在' },
  OWNER_NOT_IN_UNIT: { status: 409, message: '责任人须为该单位在岗工作人员' },
  MATTER_CHANGED: { status: 409, message: '该事项刚被他人处理，请刷新后重试', retry: true },
  UNIT_SHORT_NAME_TAKEN: { status: 409, message: '该案号简称已被中心其他单位使用（各单位案号须能区分）' },
  AREA_UNKNOWN: { status: 400, message: '所选街道/乡镇或社区不在本中心的区划表中，请刷新后重新选择' },
  INTAKE_NO_DISPATCHER: { status: 503, message: '综治中心暂无在岗受理人员，请拨打中心电话或前往窗口办理', retry: true },
  // 限时办结 (intake-deadlines)
  MATTER_NOT_TIMED: { status: 409, message: '该事项当前阶段没有办理期限' },
  DEADLINE_NOT_LATER: { status: 400, message: '延长后的期限须晚于原期限' },
  DEADLINE_TOO_FAR: { status: 400, message: '一次延长不能超过 90 天' },
  // #17 procedure: 权利义务告知书, 回避, 终止调解, 调解笔录 (signaling/procedure)
  NOTICE_NOT_ACKNOWLEDGED: { status: 409, message: '请先阅读并确认《权利义务告知书》，确认后才能进入调解室' },
  NOTICE_CHANGED: { status: 409, message: '《权利义务告知书》内容已更新，请刷新后重新阅读' },
  // #17 item 11 personal information (signaling/party/privacy-*.ts)
  PHONE_NOT_SHARED: { status: 400, message: '协议书发给各方当事人，不写入联系电话；联系电话只在案件登记信息中保存' },
  PRIVACY_NOTICE_REQUIRED: { status: 409, message: '请先阅读并确认《个人信息处理告知书》' },
  PRIVACY_NOTICE_CHANGED: { status: 409, message: '《个人信息处理告知书》内容已更新，请刷新后重新阅读' },
  CONSENT_REQUIRED_ID_IMAGES: { status: 409, message: '上传身份证件图片前，请先单独同意处理身份证件图片（敏感个人信息）' },
  CONSENT_REQUIRED_BANK_ACCOUNT: { status: 409, message: '填写银行账户前，请先单独同意处理银行账户信息（敏感个人信息）' },
  CONSENT_REQUIRED_SIGNATURE: { status: 409, message: '签名前，请先单独同意处理手写签名（敏感个人信息）' },
  CONSENT_REQUIRED_COURT: { status: 409, message: '申请司法确认前，各申请人须单独同意向人民法院提供其个人信息' },
  // #16 item 5 电子卷宗 and archiving (signaling/followup/dossier)
  CASE_ARCHIVED: { status: 409, message: '案件已归档，卷宗只读，不能再修改' },
  /** The grant allowed the role; the case is not one of the staff member's (another unit, a colleague's case). */
  DOSSIER_NOT_FOUND: { status: 404, message: '案件不存在或不属于您可查看的单位' },
  NOT_CASE_ARCHIVIST: { status: 403, message: '只有本案调解员、承办单位负责人或管理员可以归档' },
  CASE_NOT_ARCHIVABLE: { status: 409, message: '案件尚未办结，不能归档' },
  DOSSIER_FAILED: { status: 500, message: '电子卷宗生成失败，请稍后重试', retry: true },
  CONSENT_NOT_GIVEN: { status: 409, message: '尚未作出该项同意，无需撤回' },
  MEDIATION_NOT_ENDABLE: { status: 409, message: '本案当前状态下不能终止调解' },
  OBJECTION_NOT_FOUND: { status: 404, message: '回避申请不存在' },
  OBJECTION_RESOLVED: { status: 409, message: '该回避申请已处理' },
  RECUSAL_NOT_DECLARED: { status: 409, message: '调解员尚未作出回避声明（与本案当事人无利害关系）' },
  MINUTES_ENTRY_NOT_FOUND: { status: 404, message: '笔录记录不存在' },
  MINUTES_LOCKED: { status: 409, message: '调解笔录已锁定供核对签名，不能再修改；如需修改请先解除锁定' },
  MINUTES_NOT_LOCKED: { status: 409, message: '调解员尚未锁定调解笔录供核对签名' },
  MINUTES_EMPTY: { status: 409, message: '调解笔录还没有记录' },
  MINUTES_CHANGED: { status: 409, message: '调解笔录内容已变化，请刷新后重新核对' },
  MINUTES_COMPLETED: { status: 409, message: '调解笔录已签名归档，不能再修改' },
  // the public application page (/apply) and the person's matter link
  APPLY_CONSENT_REQUIRED: { status: 400, message: '请先阅读并同意《个人信息处理告知》' },
  PHONE_NOT_VERIFIED: { status: 400, message: '手机号尚未验证或验证已过期，请重新获取验证码' },
  PHOTO_TOO_LARGE: { status: 413, message: '照片过大，每张不能超过 5 MB' },
  PHOTO_TYPE: { status: 400, message: '照片须为 JPG、PNG 或 WebP 图片' },
  TOO_MANY_PHOTOS: { status: 400, message: '照片数量超过上限' },
  APPLY_LIMIT_ADDRESS: { status: 429, message: '本网络提交的申请过多，请稍后再试，或前往综治中心窗口办理', retry: true },
  APPLY_LIMIT_PHONE: { status: 429, message: '该手机号今日提交的申请已达上限，如需补充请拨打综治中心电话', retry: true },
  CODE_LIMIT: { status: 429, message: '验证码发送过于频繁，请稍后再试', retry: true },
  MATTER_LINK_INVALID: { status: 404, message: '查询链接无效或已失效，请联系综治中心' },
  // 分流 (intake-routing)
  MATTER_WRONG_STAGE: { status: 409, message: '该事项当前所处环节不能办理此操作' },
  MATTER_NOT_FOR_UNIT: { status: 403, message: '该事项未分流到您的单位，不能接收或退回' },
  MATTER_NOT_YOURS: { status: 403, message: '该事项不由您或您的单位负责，不能办理此操作' },
  MATTER_SAME_UNIT: { status: 409, message: '该事项已在此单位，请选择其他单位' },
  UNIT_NO_HEAD: { status: 409, message: '该单位暂无在岗负责人，无法接收分流事项' },
  MATTER_HAS_CASE: { status: 409, message: '该事项已立案办理，不能再转交其他单位；如需转交请先撤回' },
  // intake at the desk, by grid workers and by batch import (intake-desk/)
  PARTY_REQUIRED: { status: 400, message: '请至少登记一位当事人（来访人或来电人）' },
  PHOTO_NOT_IMAGE: { status: 400, message: '照片须为 JPEG、PNG 或 WebP 图片' },
  IMPORT_FILE_UNREADABLE: { status: 400, message: '无法读取上传的文件，请使用导入模板（.xlsx）填写后上传' },
  IMPORT_REJECTED: { status: 422, message: '导入文件有错误，未导入任何记录；请按错误清单修改后重新上传' },
  IMPORT_TOO_MANY_ROWS: { status: 413, message: '单次导入的行数超过上限，请分批导入' },
  MEDIATOR_NOT_IN_UNIT: { status: 409, message: '所选调解员不是该单位在岗的调解员' },
  // 履行 (#16 item 1, followup/performance/)
  PERFORMANCE_NOT_SIGNED: { status: 409, message: '调解协议签署后才能制定履行计划' },
  SCHEDULE_NOT_DERIVED: { status: 409, message: '尚未生成履行计划，请先根据已签署的协议生成' },
  SCHEDULE_CONFIRMED: { status: 409, message: '履行计划已确认，不能再修改' },
  SCHEDULE_NOT_CONFIRMED: { status: 409, message: '履行计划尚未经调解员确认' },
  SCHEDULE_CHANGED: { status: 409, message: '履行计划已有变化，请刷新后重新核对再确认' },
  SCHEDULE_INCOMPLETE: { status: 409, message: '履行计划尚有待核对或补充的内容' },
  OBLIGATION_NOT_FOUND: { status: 404, message: '该项履行义务不存在' },
  OBLIGATION_PERFORMED: { status: 409, message: '该项义务已履行完毕' },
  NOT_OBLIGEE: { status: 403, message: '只有该项义务的权利人一方可以确认收到' },
  NOT_OBLIGOR: { status: 403, message: '只有该项义务的义务人一方可以上传履行凭证' },
  RECEIPT_EXCEEDS: { status: 400, message: '确认收到的金额超过尚未履行的金额' },
  PROOF_LIMIT: { status: 409, message: '该项义务的履行凭证已达上限（10 份）' },
  // #16 评价 and 回访 (signaling/followup)
  RATING_NOT_OPEN: { status: 409, message: '现在还不能进行这项评价' },
  RATING_ALREADY_GIVEN: { status: 409, message: '您已经评价过了，每次调解和结案各评价一次' },
  FOLLOW_UP_NOT_FOUND: { status: 404, message: '回访任务不存在或不属于您的单位' },
  FOLLOW_UP_CLOSED: { status: 409, message: '该回访已办结，不能再修改' },
  FOLLOW_UP_NO_RECORD: { status: 409, message: '请先登记至少一次回访，再办结' },
  FOLLOW_UP_TIME_INVALID: { status: 400, message: '回访时间不能晚于现在' },
  REOPEN_NOT_POSSIBLE: { status: 409, message: '本案不能重新办理' },

  // ── #16 the centre's dashboard ──────────────────────────────────────────────
  DASHBOARD_UNIT_FORBIDDEN: { status: 403, message: '成员单位工作人员只能查看本单位的统计数据' },
  DASHBOARD_RANGE_INVALID: { status: 400, message: '统计期间无效：开始日期不能晚于结束日期，且须是有效日期' },

  // ── the server ─────────────────────────────────────────────────────────────
  RATE_LIMITED: { status: 429, message: '操作过于频繁，请稍后再试', retry: true },
  ROOM_MOVED: { status: 503, message: '调解室正在切换服务器，正在为您重新连接…', retry: true },
  ROOM_UNAVAILABLE: { status: 503, message: '调解室暂时无法连接，请稍后重试', retry: true },
  SMS_SEND_FAILED: { status: 502, message: '验证码短信发送失败，请稍后重试；如多次失败请联系调解员', retry: true },
  STORAGE_FULL: { status: 507, message: '服务器存储空间已满，本次操作未能保存；请稍后重试，或联系管理员', retry: true },
  SERVER_RESTARTING: { status: 503, message: '服务器正在重启，稍后自动重连', retry: true },
  INTERNAL: { status: 500, message: '服务器内部错误，请稍后重试', retry: true },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}

/** Whether waiting and trying again can help (network-free: the client asks this of a code). */
export function isRetryable(code: string): boolean {
  return isErrorCode(code) && (ERRORS[code] as ErrorSpec).retry === true;
}

/** A refusal from the table. `message` defaults to the table's; give a more precise one freely. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
  ) {
    super(message ?? ERRORS[code].message);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERRORS[this.code].status;
  }
}

/** The socket acknowledgement of a refusal. */
export function refusalAck(err: DomainError): { ok: false; code: ErrorCode; message: string } {
  return { ok: false, code: err.code, message: err.message };
}
