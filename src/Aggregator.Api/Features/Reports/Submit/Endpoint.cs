using Aggregator.Data;
using System.Security.Cryptography;
using Aggregator.Api.OpenApi;
using System.Text;
using Aggregator.Api.Auth;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Features.Reports.Storing;
using Aggregator.Domain.Templates;
using Aggregator.Domain.Values;
using Aggregator.Api.Features.Shared;
using FastEndpoints;

namespace Aggregator.Api.Features.Reports.Submit;

public sealed class Endpoint(TenantDb tenantDb, TenantCalendar calendar, TemplateCatalog catalog, VersionWriter writer) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Post("/org-units/{org}/reports/{year}/versions");
        Group<TenantGroup>();
        Description(d => d.WithTags("Reports").AllowedForTenantRolesOnly(KeyRoles.Reporter, KeyRoles.TenantAdmin).ClearDefaultProduces(200).Produces<Response>(201).Produces<Response>(200)
            .DocumentsReportWrite());
        Summary(s =>
        {
            s.Summary =
                "Stores a new version of the unit's report for the year. Reporter of the unit, or tenant-admin; not the platform admin (403). " +
                "Idempotency-Key makes retries safe; If-Match guards against lost updates. A report identical to the current " +
                "version stores nothing and answers 200 with that version and unchanged: true.";
            s.ExampleRequest = Examples.Request;
            s.ResponseExamples[201] = Examples.Created;
        });
    }

    public override Task HandleAsync(Request req, CancellationToken ct)
    {
        var access = ProcessorState<RequestAccess>();
        return ReportUnit.WriteAsync(tenantDb, access, calendar, req.Org, req.Year, () => WriteAsync(req, access, ct), ct);
    }

    private async Task WriteAsync(Request req, RequestAccess access, CancellationToken ct)
    {
        var (caller, tenantId) = access;

        var template = ReportRules.TemplateFor(catalog, req.Template, req.Year);
        var input = ReportInput.FromJson(req.Values);
        var validation = ReportRules.Check(template, input);
        ReportRules.RequireFigures(template, input);

        var content = ReportContent.From(template, input.Entries, req.Note);
        var warnings = RuleFinding.From(validation.Warnings);
        var submission = new Submission(caller, tenantId, req.Tenant, req.Org, req.Year, content, warnings, req.Note,
                "report.version-submitted", Preconditions.From(HttpContext.Request, RequestHash(req, content))) { Source = req.Source };

        var answer = await writer.StoreAsync(submission,
            stored => new Response(req.Org, req.Year, template.Code, stored.Version, stored.ETag, stored.Warnings, stored.CreatedAt, stored.Unchanged,
                stored.Status.Status, stored.Status.By, stored.Status.At, stored.Status.Comment), ct);
        await StoredAnswers.SendAsync(HttpContext, answer, ct);
    }

    /// <summary>Same route, same content, same note: the same request, however its JSON was spelled.</summary>
    private static byte[] RequestHash(Request req, ReportContent content) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(
            $"versions\n{req.Tenant}\n{req.Org}\n{req.Year}\n{Convert.ToHexString(content.Hash)}\n{req.Note}"));
}
