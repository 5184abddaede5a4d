// The messages people read, one method per resource of Problems.resx (Chinese, the neutral language) and
// Problems.en.resx (English). A method's name is its resource's name; ProblemTextTests checks that both files hold
// exactly these.
namespace Aggregator.Api.Errors.Texts;

public static partial class ProblemText
{
    /// <summary>请求无效</summary>
    public static string Title400() => Get(nameof(Title400));

    /// <summary>未认证</summary>
    public static string Title401() => Get(nameof(Title401));

    /// <summary>无权操作</summary>
    public static string Title403() => Get(nameof(Title403));

    /// <summary>未找到</summary>
    public static string Title404() => Get(nameof(Title404));

    /// <summary>方法不允许</summary>
    public static string Title405() => Get(nameof(Title405));

    /// <summary>无法按所要求的格式答复</summary>
    public static string Title406() => Get(nameof(Title406));

    /// <summary>请求超时</summary>
    public static string Title408() => Get(nameof(Title408));

    /// <summary>冲突</summary>
    public static string Title409() => Get(nameof(Title409));

    /// <summary>已不存在</summary>
    public static string Title410() => Get(nameof(Title410));

    /// <summary>缺少请求体长度</summary>
    public static string Title411() => Get(nameof(Title411));

    /// <summary>前提条件不成立</summary>
    public static string Title412() => Get(nameof(Title412));

    /// <summary>请求体过大</summary>
    public static string Title413() => Get(nameof(Title413));

    /// <summary>请求地址过长</summary>
    public static string Title414() => Get(nameof(Title414));

    /// <summary>不支持的请求体类型</summary>
    public static string Title415() => Get(nameof(Title415));

    /// <summary>请求的范围无法满足</summary>
    public static string Title416() => Get(nameof(Title416));

    /// <summary>内容无法处理</summary>
    public static string Title422() => Get(nameof(Title422));

    /// <summary>缺少前提条件</summary>
    public static string Title428() => Get(nameof(Title428));

    /// <summary>请求过多</summary>
    public static string Title429() => Get(nameof(Title429));

    /// <summary>请求头过大</summary>
    public static string Title431() => Get(nameof(Title431));

    /// <summary>服务器内部错误</summary>
    public static string Title500() => Get(nameof(Title500));

    /// <summary>未实现</summary>
    public static string Title501() => Get(nameof(Title501));

    /// <summary>网关错误</summary>
    public static string Title502() => Get(nameof(Title502));

    /// <summary>服务暂不可用</summary>
    public static string Title503() => Get(nameof(Title503));

    /// <summary>网关超时</summary>
    public static string Title504() => Get(nameof(Title504));

    /// <summary>请求无法读取。</summary>
    public static string RequestUnreadable() => Get(nameof(RequestUnreadable));

    /// <summary>请在 {0} 请求头中发送有效的 API 密钥。</summary>
    public static string SendValidKey(object? header) => Get(nameof(SendValidKey), header);

    /// <summary>此路径下没有任何内容。</summary>
    public static string NothingAtPath() => Get(nameof(NothingAtPath));

    /// <summary>此路径不接受该请求方法。</summary>
    public static string MethodNotAllowed() => Get(nameof(MethodNotAllowed));

    /// <summary>请求体的 Content-Type 不是此操作能读取的类型。</summary>
    public static string MediaTypeNotRead() => Get(nameof(MediaTypeNotRead));

    /// <summary>此 API 密钥的角色无权执行此操作。</summary>
    public static string RoleMayNot() => Get(nameof(RoleMayNot));

    /// <summary>{0} 角色的密钥无权执行此操作；此操作需要：{1}。</summary>
    public static string RoleMayNotTakes(object? role, object? roles) => Get(nameof(RoleMayNotTakes), role, roles);

    /// <summary>只有租户根单位的密钥（或平台管理员）可以{0}。</summary>
    public static string RootUnitOnly(object? what) => Get(nameof(RootUnitOnly), what);

    /// <summary>查看本年度上报的办理情况</summary>
    public static string ActReadUpstreamStatus() => Get(nameof(ActReadUpstreamStatus));

    /// <summary>查看本租户的上报链接</summary>
    public static string ActReadUpstreamLink() => Get(nameof(ActReadUpstreamLink));

    /// <summary>向上级上报本年度汇总数据</summary>
    public static string ActHandUp() => Get(nameof(ActHandUp));

    /// <summary>设置本租户向上级上报的链接</summary>
    public static string ActLinkUpstream() => Get(nameof(ActLinkUpstream));

    /// <summary>删除本租户的上报链接</summary>
    public static string ActUnlinkUpstream() => Get(nameof(ActUnlinkUpstream));

    /// <summary>设置本租户的报送截止时间</summary>
    public static string ActSetDeadlines() => Get(nameof(ActSetDeadlines));

    /// <summary>导入往年报表</summary>
    public static string ActImportReports() => Get(nameof(ActImportReports));

    /// <summary>修改本租户的设置</summary>
    public static string ActChangeSettings() => Get(nameof(ActChangeSettings));

    /// <summary>此 API 密钥已被吊销。</summary>
    public static string KeyRevoked() => Get(nameof(KeyRevoked));

    /// <summary>该项已存在。</summary>
    public static string AlreadyExists() => Get(nameof(AlreadyExists));

    /// <summary>服务器未能答复此请求。错误已记入日志；反映问题时请附上 traceId。</summary>
    public static string ServerFailed() => Get(nameof(ServerFailed));

    /// <summary>请求体无法读取为此操作所需的 JSON 对象。</summary>
    public static string BodyNotJsonObject() => Get(nameof(BodyNotJsonObject));

    /// <summary>请求无效。</summary>
    public static string RequestInvalid() => Get(nameof(RequestInvalid));

    /// <summary>字段 {0} 无效。</summary>
    public static string FieldInvalid(object? field) => Get(nameof(FieldInvalid), field);

    /// <summary>{0} 个字段无效：{1}。</summary>
    public static string FieldsInvalid(object? count, object? fields) => Get(nameof(FieldsInvalid), count, fields);

    /// <summary>“{0}”不是此请求的成员：未知成员一律拒收，而不是忽略。请对照此操作的结构检查拼写。</summary>
    public static string UnknownMember(object? field) => Get(nameof(UnknownMember), field);

    /// <summary>此处的值无法读取为该字段的类型。</summary>
    public static string ValueUnreadable() => Get(nameof(ValueUnreadable));

    /// <summary>“{0}”不得含有控制字符（U+0000–U+001F 中除制表、换行、回车以外的字符，U+007F–U+009F）或双向控制字符（U+061C、U+200E、U+200F、U+202A–U+202E、U+2066–U+2069）。</summary>
    public static string ControlCharacters(object? field) => Get(nameof(ControlCharacters), field);

    /// <summary>“{1}”的键“{0}”不得含有控制字符（U+0000–U+001F 中除制表、换行、回车以外的字符，U+007F–U+009F）或双向控制字符（U+061C、U+200E、U+200F、U+202A–U+202E、U+2066–U+2069）。</summary>
    public static string ControlCharactersKey(object? key, object? field) => Get(nameof(ControlCharactersKey), key, field);

    /// <summary>“{0}”的文件名不得含有控制字符（U+0000–U+001F 中除制表、换行、回车以外的字符，U+007F–U+009F）或双向控制字符（U+061C、U+200E、U+200F、U+202A–U+202E、U+2066–U+2069）。</summary>
    public static string ControlCharactersFileName(object? field) => Get(nameof(ControlCharactersFileName), field);

    /// <summary>“{0}”含有未配对的代理字符（单独转义的 \uD800–\uDFFF），不是 Unicode 文本。</summary>
    public static string UnpairedSurrogate(object? field) => Get(nameof(UnpairedSurrogate), field);

    /// <summary>请求体超过了本 API 接受的 1 MiB。</summary>
    public static string BodyTooLarge() => Get(nameof(BodyTooLarge));

    /// <summary>请求体超过了此操作接受的 {0} MiB。</summary>
    public static string BodyTooLargeFor(object? mib) => Get(nameof(BodyTooLargeFor), mib);

    /// <summary>此操作不读取请求体，或只读取 JSON 请求体（application/json）；本请求发送的是 {0}。</summary>
    public static string OptionalJsonBody(object? sent) => Get(nameof(OptionalJsonBody), sent);

    /// <summary>没有 Content-Type 的请求体</summary>
    public static string BodyWithoutContentType() => Get(nameof(BodyWithoutContentType));

    /// <summary>此操作需要请求体（{0}）；本请求没有发送。</summary>
    public static string BodyRequired(object? types) => Get(nameof(BodyRequired), types);

    /// <summary>此操作需要请求体（{0}）；本请求没有说明发送的类型（缺少 Content-Type）。</summary>
    public static string BodyTypeUnsaid(object? types) => Get(nameof(BodyTypeUnsaid), types);

    /// <summary>本 API 无法读取字符集“{0}”的请求体；请使用 UTF-8。</summary>
    public static string CharsetUnreadable(object? charset) => Get(nameof(CharsetUnreadable), charset);

    /// <summary>multipart 请求体无法读取。</summary>
    public static string MultipartUnreadable() => Get(nameof(MultipartUnreadable));

    /// <summary>该 API 密钥（或其所属单位的全部密钥合计）在过去一分钟内请求过多{0}，请 {1} 秒后重试。</summary>
    public static string RateLimitedKey(object? strict, object? seconds) => Get(nameof(RateLimitedKey), strict, seconds);

    /// <summary>来自该地址、未带有效 API 密钥的请求在过去一分钟内过多{0}，请 {1} 秒后重试。</summary>
    public static string RateLimitedAddress(object? strict, object? seconds) => Get(nameof(RateLimitedAddress), strict, seconds);

    /// <summary>（导入和重新计算另有更严格的限额）</summary>
    public static string RateLimitedStrict() => Get(nameof(RateLimitedStrict));

    /// <summary>本租户同时进行的耗时读取（数据质量、.xlsx/.csv 下载、超过 {0} 格的表）已达上限 {1} 个，请 {2} 秒后重试。</summary>
    public static string TooManyExpensiveReads(object? cells, object? running, object? seconds) => Get(nameof(TooManyExpensiveReads), cells, running, seconds);

    /// <summary>提交这项更改时与数据库的连接中断：它可能已保存，也可能没有。请在 {0} 秒后用同一个 Idempotency-Key 重新发送同一请求，即可得知结果。</summary>
    public static string UnavailableOutcomeUnknown(object? seconds) => Get(nameof(UnavailableOutcomeUnknown), seconds);

    /// <summary>数据库目前不接受更改（只读或磁盘已满）；未保存任何内容。读取仍然可用。请 {0} 秒后重试。</summary>
    public static string UnavailableReadOnly(object? seconds) => Get(nameof(UnavailableReadOnly), seconds);

    /// <summary>目前无法连接数据库；未保存任何内容。请 {0} 秒后重试。</summary>
    public static string UnavailableUnreachable(object? seconds) => Get(nameof(UnavailableUnreachable), seconds);

    /// <summary>未找到租户“{0}”。</summary>
    public static string TenantNotFound(object? tenant) => Get(nameof(TenantNotFound), tenant);

    /// <summary>未找到单位“{0}”。</summary>
    public static string OrgUnitNotFound(object? org) => Get(nameof(OrgUnitNotFound), org);

    /// <summary>本区尚未设置上报的上级（逐级上报链接）。</summary>
    public static string UpstreamLinkNotFound() => Get(nameof(UpstreamLinkNotFound));

    /// <summary>未找到单位“{0}”{1} 年的报表。</summary>
    public static string ReportNotFound(object? org, object? year) => Get(nameof(ReportNotFound), org, year);

    /// <summary>未找到单位“{1}”{2} 年报表的第 {0} 版。</summary>
    public static string VersionNotFound(object? version, object? org, object? year) => Get(nameof(VersionNotFound), version, org, year);

    /// <summary>未找到模板“{0}”。</summary>
    public static string TemplateNotFound(object? template) => Get(nameof(TemplateNotFound), template);

    /// <summary>未找到 API 密钥“{0}”。</summary>
    public static string ApiKeyNotFound(object? id) => Get(nameof(ApiKeyNotFound), id);

    /// <summary>未找到任务“{0}”。</summary>
    public static string JobNotFound(object? id) => Get(nameof(JobNotFound), id);

    /// <summary>未找到适用于 {0} 年的报表模板。</summary>
    public static string NoTemplateForYear(object? year) => Get(nameof(NoTemplateForYear), year);

    /// <summary>单位“{0}”{1} 年没有计入统计的报表（尚未报送，或报送的版本尚待审核）。</summary>
    public static string NoCountedReport(object? org, object? year) => Get(nameof(NoCountedReport), org, year);

    /// <summary>单位“{0}”没有下级单位，因而没有汇总表；请读取它自己的报表。</summary>
    public static string LeafHasNoTable(object? org) => Get(nameof(LeafHasNoTable), org);

    /// <summary>单位“{0}”没有下级单位，因而没有汇总；请读取它自己的报表。</summary>
    public static string LeafHasNoRollup(object? org) => Get(nameof(LeafHasNoRollup), org);

    /// <summary>单位“{0}”没有下级单位，因而没有按单位的分解。</summary>
    public static string LeafHasNoBreakdown(object? org) => Get(nameof(LeafHasNoBreakdown), org);

    /// <summary>单位“{0}”没有下级单位，因而没有比较。</summary>
    public static string LeafHasNoComparison(object? org) => Get(nameof(LeafHasNoComparison), org);

    /// <summary>未找到 {0} 年与 {1} 年的比较（其中一年没有报表）。</summary>
    public static string NoComparison(object? year, object? baseYear) => Get(nameof(NoComparison), year, baseYear);

    /// <summary>单位“{1}”{0} 年的数字</summary>
    public static string FiguresOf(object? year, object? org) => Get(nameof(FiguresOf), year, org);

    /// <summary>{0} 年与 {1} 年的比较</summary>
    public static string ComparisonOf(object? year, object? baseYear) => Get(nameof(ComparisonOf), year, baseYear);

    /// <summary>{0}：本租户没有任何单位报送过 {1} 年的报表，无从计算。</summary>
    public static string NothingToCompute(object? what, object? year) => Get(nameof(NothingToCompute), what, year);

    /// <summary>{0}：正在计算，请稍后再试。</summary>
    public static string BeingComputed(object? what) => Get(nameof(BeingComputed), what);

    /// <summary>本租户没有任何单位报送过 {0} 年的报表：无从比较。</summary>
    public static string NothingToCompare(object? years) => Get(nameof(NothingToCompare), years);

    /// <summary>单位“{0}”{1} 年的数据质量：它及其下级单位都没有计入 {1} 年的报表（没有报送，或尚无被采用的），无从检查。</summary>
    public static string QualityNoReports(object? org, object? year) => Get(nameof(QualityNoReports), org, year);

    /// <summary>单位“{0}”{1} 年的报表还没有可更正的版本；请先完整提交第一版（POST …/reports/{1}/versions）。</summary>
    public static string NoVersionToCorrect(object? org, object? year) => Get(nameof(NoVersionToCorrect), org, year);

    /// <summary>基准年份须早于 {0} 年。</summary>
    public static string BaseYearBefore(object? year) => Get(nameof(BaseYearBefore), year);

    /// <summary>“{0}”不是模板 {1} 中可加总的指标。</summary>
    public static string NotSummable(object? code, object? template) => Get(nameof(NotSummable), code, template);

    /// <summary>“{0}”不是 {2} 年所用模板 {1} 中可加总的指标。</summary>
    public static string NotSummableOfYear(object? code, object? template, object? year) => Get(nameof(NotSummableOfYear), code, template, year);

    /// <summary>“{0}”不是任何模板（{1}）中的指标。</summary>
    public static string NotAnIndicator(object? code, object? templates) => Get(nameof(NotAnIndicator), code, templates);

    /// <summary>请至少给出一个指标代码（只有逗号不算）。</summary>
    public static string NameOneIndicator() => Get(nameof(NameOneIndicator));

    /// <summary>最多 {0} 个指标。</summary>
    public static string AtMostIndicators(object? max) => Get(nameof(AtMostIndicators), max);

    /// <summary>每个指标最多出现一次。</summary>
    public static string EachIndicatorOnce() => Get(nameof(EachIndicatorOnce));

    /// <summary>level 须为 {0} 或 {1}。</summary>
    public static string LevelOneOf(object? children, object? leaves) => Get(nameof(LevelOneOf), children, leaves);

    /// <summary>请给出 indicator（一个代码）或 indicators（逗号分隔的多个代码），二者给且只给一个。</summary>
    public static string IndicatorOrIndicators() => Get(nameof(IndicatorOrIndicators));

    /// <summary>from 不能晚于 to。</summary>
    public static string FromAfterTo() => Get(nameof(FromAfterTo));

    /// <summary>year 须在 {0} 到 {1} 之间。</summary>
    public static string YearBetween(object? first, object? last) => Get(nameof(YearBetween), first, last);

    /// <summary>{0} 最多 200 个可打印字符。</summary>
    public static string IdempotencyKeyTooLong(object? header) => Get(nameof(IdempotencyKeyTooLong), header);

    /// <summary>values 须为对象：指标代码 → 数字（设置该格）或 null（清空该格）。</summary>
    public static string PatchValuesObject() => Get(nameof(PatchValuesObject));

    /// <summary>“{0}”不是报表更正的成员；更正只有 values、note 和 template。</summary>
    public static string PatchUnknownMember(object? name) => Get(nameof(PatchUnknownMember), name);

    /// <summary>values 须为对象：指标代码 → 数字或 null。</summary>
    public static string ValuesObject() => Get(nameof(ValuesObject));

    /// <summary>values 的条目超过 {0} 个；一个模板只有几百个指标。</summary>
    public static string ValuesTooMany(object? max) => Get(nameof(ValuesTooMany), max);

    /// <summary>请以表单字段 file 上传报告（.txt 或 .docx）。</summary>
    public static string SendDocumentAsFile() => Get(nameof(SendDocumentAsFile));

    /// <summary>请以表单字段 file 上传 CSV（表头 {0}）。</summary>
    public static string SendCsvAsFile(object? header) => Get(nameof(SendCsvAsFile), header);

    /// <summary>文件名最多 {0} 个字符；当前有 {1} 个。</summary>
    public static string FileNameTooLong(object? max, object? length) => Get(nameof(FileNameTooLong), max, length);

    /// <summary>“{0}”最多 {1} 个字符；当前有 {2} 个。</summary>
    public static string TextTooLong(object? name, object? max, object? length) => Get(nameof(TextTooLong), name, max, length);

    /// <summary>每次导入只能上传一个文档；本次上传了 {0} 个文件。</summary>
    public static string OneDocumentPerImport(object? count) => Get(nameof(OneDocumentPerImport), count);

    /// <summary>每次导入只能上传一个文件；本次上传了 {0} 个文件。</summary>
    public static string OneFilePerImport(object? count) => Get(nameof(OneFilePerImport), count);

    /// <summary>文件超过了一次导入接受的 {0} MiB；请拆分成几次导入。</summary>
    public static string CsvTooLarge(object? mib) => Get(nameof(CsvTooLarge), mib);

    /// <summary>due 须为带时区偏移的日期时间，例如 2018-01-31T23:59:59+08:00。</summary>
    public static string DueFormat() => Get(nameof(DueFormat));

    /// <summary>due 不能早于 {0} 年开始之时。</summary>
    public static string DueBeforeYear(object? year) => Get(nameof(DueBeforeYear), year);

    /// <summary>due 须在 {0} 年之后十年以内。</summary>
    public static string DueTooLate(object? year) => Get(nameof(DueTooLate), year);

    /// <summary>role 须为以下之一：{0}。</summary>
    public static string RoleOneOf(object? roles) => Get(nameof(RoleOneOf), roles);

    /// <summary>kind 须为以下之一：{0}。</summary>
    public static string KindOneOf(object? kinds) => Get(nameof(KindOneOf), kinds);

    /// <summary>review 须为以下之一：{0}。</summary>
    public static string ReviewOneOf(object? modes) => Get(nameof(ReviewOneOf), modes);

    /// <summary>code 须为 1–64 个字母、数字、“-”、“_”或“.”。</summary>
    public static string CodeFormat() => Get(nameof(CodeFormat));

    /// <summary>timeZone 须为 IANA 时区标识，例如 Asia/Shanghai。</summary>
    public static string TimeZoneUnknown() => Get(nameof(TimeZoneUnknown));

    /// <summary>本租户中没有单位“{0}”。</summary>
    public static string OrgUnitNotInTenant(object? org) => Get(nameof(OrgUnitNotInTenant), org);

    /// <summary>本租户中没有上级单位“{0}”。</summary>
    public static string ParentNotInTenant(object? org) => Get(nameof(ParentNotInTenant), org);

    /// <summary>此密钥不能在根单位下添加单位；请指定其权限范围内的上级单位。</summary>
    public static string NotAtRoot() => Get(nameof(NotAtRoot));

    /// <summary>“{0}”位于第 {1} 层：单位最多只能位于租户根单位之下 {2} 层。</summary>
    public static string TooDeep(object? parent, object? depth, object? max) => Get(nameof(TooDeep), parent, depth, max);

    /// <summary>本租户中已有代码为“{0}”的单位。</summary>
    public static string OrgUnitExists(object? code) => Get(nameof(OrgUnitExists), code);

    /// <summary>已有代码为“{0}”的租户。</summary>
    public static string TenantExists(object? code) => Get(nameof(TenantExists), code);

    /// <summary>next 须原样使用同一单位、同一年份的上一次答复中给出的 next。</summary>
    public static string QualityNext() => Get(nameof(QualityNext));

    /// <summary>comment 须写明本单位需要更正什么。</summary>
    public static string ReturnComment() => Get(nameof(ReturnComment));

    /// <summary>after 不是本接口给出的游标：请原样传回上一页的 next。</summary>
    public static string AuditCursor() => Get(nameof(AuditCursor));

    /// <summary>单位“{0}”{1} 年的报表已被审核员采用并锁定；须由审核员重新开放该年度（POST …/reports/{1}/reopen）后才能保存新版本。</summary>
    public static string ReportLocked(object? org, object? year) => Get(nameof(ReportLocked), org, year);

    /// <summary>发送了 If-Match，但此报表还没有任何版本；第一版请不带 If-Match 发送。</summary>
    public static string IfMatchWithoutVersion() => Get(nameof(IfMatchWithoutVersion));

    /// <summary>报表已有变化：当前版本为第 {0} 版（{1}）。请重新读取后再提交。</summary>
    public static string ReportChanged(object? version, object? etag) => Get(nameof(ReportChanged), version, etag);

    /// <summary>更正须带 If-Match：当前版本的 ETag（GET …/reports/{year} 的答复中有），以免改动别人在此之后保存的版本。未保存任何内容。</summary>
    public static string PatchNeedsIfMatch() => Get(nameof(PatchNeedsIfMatch));

    /// <summary>更正沿用被更正版本的模板（{0}）；要改用 {1}，请提交完整的新版本（POST …/versions）。</summary>
    public static string PatchKeepsTemplate(object? current, object? named) => Get(nameof(PatchKeepsTemplate), current, named);

    /// <summary>使用此 Idempotency-Key 的请求仍在处理中；请在它完成后重试（见 Retry-After）。</summary>
    public static string IdempotencyInFlight() => Get(nameof(IdempotencyInFlight));

    /// <summary>此 Idempotency-Key 已用于另一个不同的请求；新的请求请使用新的键。</summary>
    public static string IdempotencyReused() => Get(nameof(IdempotencyReused));

    /// <summary>没有适用于 {0} 年的模板。</summary>
    public static string NoTemplateApplies(object? year) => Get(nameof(NoTemplateApplies), year);

    /// <summary>未知模板“{0}”。已知模板：{1}。</summary>
    public static string UnknownTemplate(object? code, object? known) => Get(nameof(UnknownTemplate), code, known);

    /// <summary>模板 {0} 适用于 {1} 年，不适用于 {2} 年。</summary>
    public static string TemplateYears(object? template, object? years, object? year) => Get(nameof(TemplateYears), template, years, year);

    /// <summary>模板 {0} 适用于 {1} 年，不适用于 {2} 年；请使用 {3}。</summary>
    public static string TemplateYearsUse(object? template, object? years, object? year, object? right) => Get(nameof(TemplateYearsUse), template, years, year, right);

    /// <summary>报表违反模板 {1} 的 {0} 条规则；未保存任何内容。</summary>
    public static string RulesBroken(object? count, object? template) => Get(nameof(RulesBroken), count, template);

    /// <summary>报表没有任何数字：模板 {0} 的每一项都为空或未填，空报表会把本单位的数字替换为空。未保存任何内容；请至少填写一个数字（没有可计数的填 0）。</summary>
    public static string EmptyReport(object? template) => Get(nameof(EmptyReport), template);

    /// <summary>单位“{1}”{2} 年的第 {0} 版状态为{3}；只有待审核的版本才能{4}。</summary>
    public static string ReviewNotSubmitted(object? version, object? org, object? year, object? status, object? move) => Get(nameof(ReviewNotSubmitted), version, org, year, status, move);

    /// <summary>请重新开放该年度，由本单位提交新版本。</summary>
    public static string ReviewReopenInstead() => Get(nameof(ReviewReopenInstead));

    /// <summary>单位“{1}”{2} 年的第 {0} 版已被第 {3} 版取代；请审核那一版。</summary>
    public static string ReviewSuperseded(object? version, object? org, object? year, object? current) => Get(nameof(ReviewSuperseded), version, org, year, current);

    /// <summary>采用</summary>
    public static string MoveAccept() => Get(nameof(MoveAccept));

    /// <summary>退回</summary>
    public static string MoveReturn() => Get(nameof(MoveReturn));

    /// <summary>在 {0} 文档中没有找到统计表：文本须有标题“{3}”和“统计指标 / 单位 / 统计数”表头；.docx 须有 Word 表格。应为 {2} 年所用模板 {1} 的统计表。未保存任何内容。</summary>
    public static string DocumentNoTable(object? format, object? template, object? year, object? title) => Get(nameof(DocumentNoTable), format, template, year, title);

    /// <summary>{0} 文档中的表有 {1} 行，其中 {2} 行是 {4} 年所用模板 {3} 的行，对应 {5} 个指标，因此不是该表{6}。未保存任何内容；?dryRun=true 可列出读到的每一行。</summary>
    public static string DocumentNotTheTable(object? format, object? rows, object? matched, object? template, object? year, object? mapped, object? elsewhere) => Get(nameof(DocumentNotTheTable), format, rows, matched, template, year, mapped, elsewhere);

    /// <summary>：它是模板 {0} 的版式（{2} 行中有 {1} 行相符），该模板适用于 {3} 年。请把它导入到这些年份之一，或上传本年度的统计表</summary>
    public static string DocumentElsewhere(object? template, object? matched, object? rows, object? years) => Get(nameof(DocumentElsewhere), template, matched, rows, years);

    /// <summary>{0} 年起</summary>
    public static string YearsFrom(object? first) => Get(nameof(YearsFrom), first);

    /// <summary>文件“{0}”无法读取：它不是可读的 .docx 文档。</summary>
    public static string FileUnreadable(object? file, object? reason) => Get(nameof(FileUnreadable), file, reason);

    /// <summary>文件“{0}”超出了读取的限度（行数、部件、大小或嵌套层次）。</summary>
    public static string DocumentTooLarge(object? file, object? reason) => Get(nameof(DocumentTooLarge), file, reason);

    /// <summary>本租户已有 {0} 个{1}，达到上限 {2}（设置 {3}）。请先吊销或清理不再使用的，或请运维人员调高该设置。</summary>
    public static string CapReached(object? count, object? noun, object? max, object? setting) => Get(nameof(CapReached), count, noun, max, setting);

    /// <summary>有效的 API 密钥</summary>
    public static string CapApiKeys() => Get(nameof(CapApiKeys));

    /// <summary>单位</summary>
    public static string CapOrgUnits() => Get(nameof(CapOrgUnits));

    /// <summary>平台管理员只管理租户及其首批密钥，不填报、导入、修改或审核报表；请使用该租户单位的密钥。</summary>
    public static string AdminNoReports() => Get(nameof(AdminNoReports));

    /// <summary>平台管理员不审核报表。</summary>
    public static string AdminNoReview() => Get(nameof(AdminNoReview));

    /// <summary>不能{0}本密钥自己报送的版本：审核须由另一把密钥完成。</summary>
    public static string ReviewOwnVersion(object? act) => Get(nameof(ReviewOwnVersion), act);

    /// <summary>此密钥没有所属单位，不能{0}版本。</summary>
    public static string ReviewKeyWithoutUnit(object? act) => Get(nameof(ReviewKeyWithoutUnit), act);

    /// <summary>只有上级单位的审核员或租户管理员可以{0}本单位报送的版本；本单位的密钥不能审核本单位的报表。</summary>
    public static string ReviewNotAbove(object? act) => Get(nameof(ReviewNotAbove), act);

    /// <summary>接受</summary>
    public static string ActAccept() => Get(nameof(ActAccept));

    /// <summary>退回</summary>
    public static string ActReturn() => Get(nameof(ActReturn));

    /// <summary>重新开放</summary>
    public static string ActReopen() => Get(nameof(ActReopen));

    /// <summary>租户管理员只能为本单位以下的单位{0}租户管理员密钥，不能{0}同级密钥。</summary>
    public static string KeysOnlyBelow(object? verb) => Get(nameof(KeysOnlyBelow), verb);

    /// <summary>创建</summary>
    public static string VerbCreate() => Get(nameof(VerbCreate));

    /// <summary>吊销</summary>
    public static string VerbRevoke() => Get(nameof(VerbRevoke));

    /// <summary>租户管理员只能为本单位以下的单位创建密钥：本单位的密钥（例如审核本单位报表的审核员）须由上级单位创建。</summary>
    public static string KeysOfOwnUnitFromAbove() => Get(nameof(KeysOfOwnUnitFromAbove));

    /// <summary>上传的文件“{0}”没有任何文字：它是空的，或只有空格和换行。未保存任何内容；请上传年度报告的 .txt 或 .docx 文件。</summary>
    public static string EmptyDocument(object? file) => Get(nameof(EmptyDocument), file);

    /// <summary>这份文档是{0}年度的年度报告（统计表表头为（{0}年度）），却被导入到{1}年的报告中。未保存任何内容；请把它导入到{0}年（…/reports/{0}/import），或上传{1}年度的报告。</summary>
    public static string YearMismatchTable(object? documentYear, object? year) => Get(nameof(YearMismatchTable), documentYear, year);

    /// <summary>这份文档是{0}年度的年度报告（标题写明{0}年），却被导入到{1}年的报告中。未保存任何内容；请把它导入到{0}年（…/reports/{0}/import），或上传{1}年度的报告。</summary>
    public static string YearMismatchTitle(object? documentYear, object? year) => Get(nameof(YearMismatchTitle), documentYear, year);

    /// <summary>{0}：{1}</summary>
    public static string FileProblem(object? file, object? reason) => Get(nameof(FileProblem), file, reason);

    /// <summary>文件不是 UTF-8 文本；请另存为“CSV UTF-8”（Excel）或 UTF-8。</summary>
    public static string CsvNotUtf8() => Get(nameof(CsvNotUtf8));

    /// <summary>文件含有 NUL 字符：它不是 UTF-8 文本。</summary>
    public static string CsvNul() => Get(nameof(CsvNul));

    /// <summary>文件是空的；第一行须为表头 {0}。</summary>
    public static string CsvEmpty(object? header) => Get(nameof(CsvEmpty), header);

    /// <summary>文件超过 {0} 行；请拆分成几次导入。</summary>
    public static string CsvTooManyRows(object? max) => Get(nameof(CsvTooManyRows), max);

    /// <summary>第 {0} 行无法按 CSV 读取；含引号的字段须整体加引号，字段中的引号写两次（""）。</summary>
    public static string CsvUnreadableLine(object? line) => Get(nameof(CsvUnreadableLine), line);

    /// <summary>第一行须为表头 {0}；“{1}”不是其中的列。</summary>
    public static string CsvHeaderUnknownColumn(object? header, object? column) => Get(nameof(CsvHeaderUnknownColumn), header, column);

    /// <summary>表头两次列出了“{0}”列。</summary>
    public static string CsvHeaderTwice(object? column) => Get(nameof(CsvHeaderTwice), column);

    /// <summary>第一行须为表头 {0}；缺少 {1}。</summary>
    public static string CsvHeaderLacks(object? header, object? missing) => Get(nameof(CsvHeaderLacks), header, missing);

    /// <summary>上级地址 {0} 不在本部署允许的上级地址清单中：请运维人员将该部署的地址加入配置 {1}，或改用 url null（本部署上的上级）。未保存任何内容。</summary>
    public static string UpstreamUrlNotAllowed(object? url, object? setting) => Get(nameof(UpstreamUrlNotAllowed), url, setting);

    /// <summary>上级地址 {0} 须使用 https：配置 {1} 只允许以 https 访问该主机。未保存任何内容。</summary>
    public static string UpstreamHttpsRequired(object? url, object? setting) => Get(nameof(UpstreamHttpsRequired), url, setting);

    /// <summary>无法连接上级 {0}（连接失败或超时）：未保存任何内容。请核对地址，或稍后再试。</summary>
    public static string UpstreamUnreachable(object? url) => Get(nameof(UpstreamUnreachable), url);

    /// <summary>公开发布本年度汇总数据</summary>
    public static string ActPublish() => Get(nameof(ActPublish));

    /// <summary>公开发布的是全区的汇总数据：单位“{0}”不是本租户的根单位，其数据不单独发布。未发布任何内容。</summary>
    public static string PublishRootOnly(object? unit) => Get(nameof(PublishRootOnly), unit);

    /// <summary>{0} 年的汇总数据正在重算：有新的版本或审核尚未计入。请在重算完成后再发布。</summary>
    public static string PublishStale(object? year) => Get(nameof(PublishStale), year);

    /// <summary>{0} 年尚无已采用的报表计入汇总数据，没有可发布的内容。</summary>
    public static string NothingToPublish(object? year) => Get(nameof(NothingToPublish), year);

    /// <summary>“{0}”未公开发布 {1} 年的数据。</summary>
    public static string YearNotPublished(object? tenant, object? year) => Get(nameof(YearNotPublished), tenant, year);

    /// <summary>“{0}”{1} 年的数据没有第 {2} 版。</summary>
    public static string EditionNotPublished(object? tenant, object? year, object? edition) => Get(nameof(EditionNotPublished), tenant, year, edition);

    /// <summary>“{0}”尚未公开发布任何数据。</summary>
    public static string NothingPublished(object? tenant) => Get(nameof(NothingPublished), tenant);
}
