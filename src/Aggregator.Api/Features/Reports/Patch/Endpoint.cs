using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Reports.Shared;
using Aggregator.Api.Features.Reports.Storing;
using Aggregator.Api.Features.Shared;
using Aggregator.Api.OpenApi;
using Aggregator.Data;
using Aggregator.Domain.Templates;
using Aggregator.Domain.Values;
using FastEndpoints;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Reports.Patch;

/// <summary>
/// Corrects the current version without resending it: the patch applied to its figures is stored as a new version
/// through the same writer as a POST (idempotency, review, lock, rules, audit), the patch applied inside its
/// transaction to the version If-Match names.
/// </summary>
public sealed class Endpoint(TenantDb tenantDb, TenantCalendar calendar, TemplateCatalog catalog, VersionWriter writer) : Endpoint<Request, Response>
{
    public const string MediaType = "application/merge-patch+json";

    public override void Configure()
    {
        Patch("/org-units/{org}/reports/{year}");
        Group<TenantGroup>();
        Description(d => d.WithTags("Reports").AllowedForTenantRolesOnly(KeyRoles.Reporter, KeyRoles.TenantAdmin)
            .ClearDefaultAccepts().Accepts<Request>(MediaType)
            .ClearDefaultProduces(200).Produces<Response>(201).Produces<Response>(200)
            .DocumentsReportWrite(ifMatchRequired: true)
            .AnswersProblem(StatusCodes.Status404NotFound, "Not found, or outside the key's scope; or the report has no version yet to correct.")
            .AnswersProblem(StatusCodes.Status428PreconditionRequired, "No If-Match: a patch is applied only to the version the client read. Nothing was stored."));
        Summary(s =>
        {
            s.Summary =
                "Corrects the current version of the unit's report with a merge patch (RFC 7396): a number sets a cell, null empties it, " +
                "codes left out keep their value. Stored as a new version with the same checks, review and lock as a POST of a version; " +
                "If-Match (the current ETag) is required. The answer lists the codes it changed; a patch that changes nothing answers 200 unchanged.";
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

        var patch = req.Values.ValueKind == JsonValueKind.Object ? ReportInput.FromJson(req.Values) : ReportInput.From(Array.Empty<RawValue>());
        var ifMatch = HttpContext.Request.Headers.IfMatch.ToString();
        if (ifMatch.Length == 0)
            throw new ProblemException(StatusCodes.Status428PreconditionRequired,
                ProblemText.PatchNeedsIfMatch());
        var preconditions = Preconditions.From(HttpContext.Request, RequestHash(req, patch, ifMatch));

        IReadOnlyList<string> changed = [];
        var correction = new Correction(caller, tenantId, req.Tenant, req.Org, req.Year, preconditions, current =>
        {
            if (req.Template is { } named && named != current.Template)
                throw ProblemException.Invalid("template",
                    ProblemText.PatchKeepsTemplate(current.Template, named));
            var template = ReportRules.TemplateFor(catalog, current.Template, req.Year);
            var input = FigurePatch.Apply(current.Values, patch);
            var validation = ReportRules.Check(template, input);
            ReportRules.RequireFigures(template, input);
            var content = ReportContent.From(template, input.Entries, req.Note);
            changed = FigurePatch.Changed(current.Values, content, template);
            return new Submission(caller, tenantId, req.Tenant, req.Org, req.Year, content, RuleFinding.From(validation.Warnings), req.Note,
                "report.version-patched", preconditions);
        });

        var answer = await writer.StoreAsync(correction,
            (stored, s) => new Response(req.Org, req.Year, s.Content.Template, stored.Version, stored.ETag, stored.Warnings, stored.CreatedAt,
                stored.Unchanged, stored.Status.Status, stored.Status.By, stored.Status.At, stored.Status.Comment, changed), ct);
        await StoredAnswers.SendAsync(HttpContext, answer, ct);
    }

    /// <summary>Same route, same If-Match, same patch and note: the same request, however its JSON was spelled.</summary>
    private static byte[] RequestHash(Request req, ReportInput patch, string ifMatch) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(
            $"patch\n{req.Tenant}\n{req.Org}\n{req.Year}\n{ifMatch}\n{req.Template}\n{FigurePatch.Canonical(patch)}\n{req.Note}"));
}
