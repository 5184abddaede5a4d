using Aggregator.Api.Auth;
using Aggregator.Api.Errors;
using Aggregator.Api.Features.Jobs;
using Aggregator.Api.Features.Shared;
using Aggregator.Api.Limits;
using Aggregator.Api.OpenApi;
using Aggregator.Data;
using FastEndpoints;
using Hangfire;
using Hangfire.States;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Imports.Create;

public sealed class Endpoint(TenantDb tenantDb, IBackgroundJobClient jobs) : Endpoint<Request, Response>
{
    /// <summary>The file's limit and room for the multipart framing around it.</summary>
    private const long BodyLimit = CsvImportFile.MaxBytes + 64 * 1024;

    public override void Configure()
    {
        Post("/imports");
        Group<TenantGroup>();
        AllowFileUploads();
        Options(b => b.WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(BodyLimit),
            new Microsoft.AspNetCore.Mvc.RequestFormLimitsAttribute { MultipartBodyLengthLimit = BodyLimit }));
        Description(d => d.WithTags("Imports").AllowedForTenantRolesOnly(KeyRoles.TenantAdmin).RequireRateLimiting(RateLimits.StrictPolicy).ClearDefaultProduces(200).Produces<Response>(202)
            .AnswersProblem(400, $"No form field 'file', or the file is no import CSV: no header {CsvImportFile.Header}, not UTF-8, unreadable quotes.")
            .AnswersProblem(403, "The key's role may not do this: it takes a tenant-admin key of the tenant's root unit; the platform admin imports no reports (/problems/separation-of-duties).")
            .AnswersProblem(413, $"The file is larger than {CsvImportFile.MaxBytes / (1024 * 1024)} MiB or holds more than {CsvImportFile.MaxRows:N0} rows."));
        Summary(s =>
        {
            s.Summary =
                "Queues an import of past years' reports from a CSV file (form field 'file'): one report per (org, year) of its rows, " +
                "each checked like a POST of versions and stored as a version accepted on storing, with the file's reportedAt; a report " +
                "failing a check is rejected whole, the others stored. Tenant-admin of the root unit. ?dryRun=true checks and counts " +
                "without storing. Follow the job at Location: once Succeeded, its result is the summary.";
            s.ResponseExamples[202] = Examples.Queued;
        });
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (caller, tenantId) = ProcessorState<RequestAccess>();
        // The whole tenant's past years: a tenant-admin of a unit below the root may not write over other units' figures.
        RootUnit.Require(caller, ProblemText.ActImportReports());
        var form = HttpContext.Request.Form;
        if (form.Files.Count > 1)
            ThrowError(r => r.File!, ProblemText.OneFilePerImport(form.Files.Count));
        var file = req.File!;
        if (file.Length > CsvImportFile.MaxBytes)
            throw new ProblemException(StatusCodes.Status413PayloadTooLarge,
                ProblemText.CsvTooLarge(CsvImportFile.MaxBytes / (1024 * 1024)));

        var bytes = await ReadAsync(file, ct);
        IReadOnlyList<ImportRow> rows;
        try { rows = CsvImportFile.Read(bytes); }
        catch (ImportFileException error) { throw ProblemException.Invalid("file", ProblemText.FileProblem(file.FileName, error.Message)); }
        catch (ImportFileTooLargeException error) { throw new ProblemException(StatusCodes.Status413PayloadTooLarge, ProblemText.FileProblem(file.FileName, error.Message)); }

        var importId = Guid.NewGuid();
        await using (var db = await tenantDb.BeginAsync(tenantId, ct))
        {
            await Data.InsertAsync(db, tenantId, importId, caller.KeyId, caller.Role, caller.OrgUnitId, file.FileName, bytes, rows.Count, req.DryRun);
            await AuditLog.AppendAsync(db, tenantId, caller.Actor, "reports.csv-import-queued", $"import/{importId}",
                new { importId, file = file.FileName, rows = rows.Count, dryRun = req.DryRun });
            await db.CommitAsync();
        }

        // Ids only: the file waits in csv_imports, not in the job's arguments; the tenant first, as for every tenant job.
        var hangfireJobId = jobs.Create<ImportJob>(job => job.ExecuteAsync(tenantId, importId, CancellationToken.None), new EnqueuedState(ImportJob.Queue));
        // Not the request's token: the job is queued, and the client must get its id even if it is hanging up.
        var jobId = await JobHandles.ForAsync(tenantDb, tenantId, hangfireJobId, CancellationToken.None);
        HttpContext.Response.Headers.Location = $"/api/v1/jobs/{jobId}";
        await Send.ResponseAsync(new Response(jobId, "queued", rows.Count, req.DryRun), StatusCodes.Status202Accepted, ct);
    }

    private static async Task<byte[]> ReadAsync(IFormFile file, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }
}
