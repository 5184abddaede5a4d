using Aggregator.Api.Errors.Texts;
using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Shared;
using Aggregator.Api.Limits;
using Aggregator.Api.OpenApi;
using Aggregator.Data;
using Aggregator.Jobs.Upstream;
using FastEndpoints;
using FluentValidation;

namespace Aggregator.Api.Features.Upstream.Put;

public sealed class Request
{
    /// <summary>The upstream deployment's address (https://…), or null for this deployment.</summary>
    public string? Url { get; init; }
    /// <summary>The upstream tenant's code ("tenant" of the body; the route's is this tenant's).</summary>
    [System.Text.Json.Serialization.JsonPropertyName("tenant")]
    public string UpstreamTenant { get; init; } = "";
    /// <summary>This tenant's unit in the upstream tenant's tree.</summary>
    public string OrgUnit { get; init; } = "";
    /// <summary>A reporter key of that unit upstream. Kept encrypted; never shown again.</summary>
    public string Key { get; init; } = "";

    public sealed class Validator : Validator<Request>
    {
        public const int MaxUrlLength = 2000;

        public Validator()
        {
            RuleFor(r => r.Url).Must(url => url is null || IsHttpUrl(url))
                .WithMessage($"url 须为不超过 {MaxUrlLength} 个字符的 http(s) 绝对地址（不含用户信息、查询串或片段），或为 null（本部署）。");
            RuleFor(r => r.UpstreamTenant).NotEmpty().Matches(Codes.Pattern).OverridePropertyName("tenant");
            RuleFor(r => r.OrgUnit).NotEmpty().Matches(Codes.Pattern);
            RuleFor(r => r.Key).NotEmpty().MaximumLength(200);
        }

        private static bool IsHttpUrl(string url) =>
            url.Length <= MaxUrlLength && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            && uri.UserInfo.Length == 0 && uri.Query.Length == 0 && uri.Fragment.Length == 0;
    }
}

public sealed class Endpoint(TenantDb tenantDb, UpstreamClient client, UpstreamKeys keys) : Endpoint<Request, LinkView>
{
    public override void Configure()
    {
        Put("/upstream");
        Group<TenantGroup>();
        Description(d => d.WithTags("Upstream").AllowedForTenantRolesOnly(KeyRoles.TenantAdmin).RequireRateLimiting(RateLimits.StrictPolicy)
            .AnswersProblem(422, "The link refused (/problems/upstream-refused, with reason): url-not-allowed or https-required (the url is not on the " +
                                 "operator's Aggregator:Upstream:AllowedUrls), unreachable (one fixed sentence, whatever the network said), key-refused, " +
                                 "not-a-reporter-of-the-unit, self; nothing stored."));
        Summary(s =>
        {
            s.Summary =
                "Links the tenant to the tenant it reports to (逐级上报): a reporter key of its unit there, on another deployment (url) or this one " +
                "(url null). Tenant-admin of the root. A url must be on the operator's allow-list (Aggregator:Upstream:AllowedUrls; https " +
                "unless the entry itself is http); redirects are not followed. The link is checked with one call upstream (GET /api/v1/me with the key); the key is " +
                "stored encrypted and never shown again (keyPrefix only).";
            s.ExampleRequest = new { url = "https://gkpt.beijing.example.gov.cn", tenant = "110100", orgUnit = "110102", key = "agg_…" };
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        RootUnit.Require(caller, ProblemText.ActLinkUpstream());
        if (req.Url is null && string.Equals(req.UpstreamTenant, caller.TenantCode, StringComparison.Ordinal))
            throw Refused("self", "租户不能向自己报送：请填写上级租户的代码。");

        // Only where the operator allows: a url is never called, nor its failure described, before the allow-list admits it.
        switch (client.Check(req.Url))
        {
            case UpstreamUrlVerdict.HttpsRequired:
                throw Refused("https-required", ProblemText.UpstreamHttpsRequired(req.Url, UpstreamOptions.AllowedUrlsSetting));
            case UpstreamUrlVerdict.NotAllowed:
                throw Refused("url-not-allowed", ProblemText.UpstreamUrlNotAllowed(req.Url, UpstreamOptions.AllowedUrlsSetting));
        }

        UpstreamClient.Answer me;
        try { me = await client.GetAsync(req.Url, req.Key, "/api/v1/me", ct); }
        catch (UpstreamUnreachableException) { throw Refused("unreachable", ProblemText.UpstreamUnreachable(req.Url ?? "（本部署）")); }
        if (me.Status == StatusCodes.Status401Unauthorized)
            throw Refused("key-refused", $"上级 {req.UpstreamTenant} 不认可此密钥（HTTP 401）：它不存在或已被吊销。");
        if (me.Status != StatusCodes.Status200OK || me.Body is not { } body)
            throw Refused("upstream-error", $"上级未能确认此密钥（HTTP {me.Status}）。");
        var role = me.Text("role");
        var tenant = body.TryGetProperty("tenant", out var t) && t.ValueKind == System.Text.Json.JsonValueKind.Object && t.TryGetProperty("code", out var tc) ? tc.GetString() : null;
        var unit = body.TryGetProperty("orgUnit", out var o) && o.ValueKind == System.Text.Json.JsonValueKind.Object && o.TryGetProperty("code", out var oc) ? oc.GetString() : null;
        if (role != KeyRoles.Reporter || tenant != req.UpstreamTenant || unit != req.OrgUnit)
            throw Refused("not-a-reporter-of-the-unit",
                $"此密钥在上级是 {tenant ?? "—"}/{unit ?? "—"} 的 {role ?? "—"} 密钥，而链接需要 {req.UpstreamTenant}/{req.OrgUnit} 的 reporter 密钥。");

        var prefix = UpstreamKeys.Prefix(req.Key);
        LinkView view;
        await using (var db = await tenantDb.BeginAsync(tenantId, ct))
        {
            await UpstreamData.SaveLinkAsync(db, req.Url, req.UpstreamTenant, req.OrgUnit, prefix, keys.Protect(tenantId, req.Key), caller.Actor);
            await AuditLog.AppendAsync(db, tenantId, caller.Actor, "upstream.linked", "upstream",
                new { url = req.Url, tenant = req.UpstreamTenant, orgUnit = req.OrgUnit, keyPrefix = prefix });
            var link = (await UpstreamData.LinkAsync(db))!;
            view = new LinkView(link.Url, link.Tenant, link.OrgUnit, link.KeyPrefix, link.LinkedBy, link.LinkedAt);
            await db.CommitAsync();
        }
        await Send.OkAsync(view, ct);
    }

    private static ProblemException Refused(string reason, string detail) =>
        new(StatusCodes.Status422UnprocessableEntity, detail, new Dictionary<string, object?> { ["reason"] = reason }, UpstreamProblems.Refused);
}
