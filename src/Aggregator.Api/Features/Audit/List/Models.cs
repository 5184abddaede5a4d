using System.Buffers.Text;
using System.Text.Json;
using Aggregator.Api.Features.Shared;
using FastEndpoints;
using FluentValidation;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Audit.List;

public sealed class Request
{
    public string Tenant { get; init; } = "";
    /// <summary>Only entries about this org unit (its code).</summary>
    [QueryParam]
    public string? Unit { get; init; }
    /// <summary>Only entries about this year.</summary>
    [QueryParam]
    public int? Year { get; init; }
    /// <summary>Only entries by this actor: <c>key:&lt;id&gt;</c>, <c>admin</c> or <c>system</c>.</summary>
    [QueryParam]
    public string? Actor { get; init; }
    /// <summary>The cursor: the <c>next</c> of the previous page (entries older than it). Opaque.</summary>
    [QueryParam]
    public string? After { get; init; }
    [QueryParam]
    public int Limit { get; init; } = 50;

    public sealed class Validator : Validator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Unit).Matches(Codes.Pattern).When(r => r.Unit is not null);
            RuleFor(r => r.Actor).MaximumCharacters(100);
            RuleFor(r => r.Year).InclusiveBetween(1900, 9999);
            RuleFor(r => r.After).Must(after => AuditCursor.TryParse(after, out _))
                .WithMessage(_ => ProblemText.AuditCursor()).When(r => r.After is not null);
            RuleFor(r => r.Limit).InclusiveBetween(1, 500);
        }
    }
}

/// <summary>
/// One write or transition. <c>actor</c>: <c>key:&lt;id&gt;</c>, <c>admin</c> or <c>system</c>. <c>action</c>, e.g.
/// report.version-submitted, report.version-patched, report.version-accepted, report.version-returned, report.reopened, settings.changed,
/// deadline.set, api-key.created. <c>orgUnit</c>/<c>year</c>: what it is about, when it is about a unit or a year.
/// <c>id</c>: the entry's own opaque id (a UUID), no counter shared with anyone.
/// </summary>
public sealed record Entry(Guid Id, DateTime At, string Actor, string Action, string Subject, string? OrgUnit, int? Year, JsonElement Details);

/// <summary>
/// Newest first, in the order the entries' transactions committed: an entry that appears later is always above every
/// entry listed before, so a client following the log reads from the top until it meets an entry it has seen. An
/// entry shows once every transaction older than its own has finished (usually at once). <c>next</c>: the opaque
/// cursor (<c>after</c>) of the next page, null on the last page.
/// </summary>
public sealed record Response(IReadOnlyList<Entry> Items, string? Next);

/// <summary>
/// A position in a tenant's audit log as clients hold it: the entry's opaque id, base64url (22 characters). The
/// server finds the entry's (transaction, id) position itself, so the cursor reveals no counter.
/// </summary>
public static class AuditCursor
{
    public static string Of(Guid entryId) => Base64Url.EncodeToString(entryId.ToByteArray(bigEndian: true));

    public static bool TryParse(string? cursor, out Guid entryId)
    {
        entryId = Guid.Empty;
        Span<byte> bytes = stackalloc byte[16];
        if (cursor is not { Length: 22 } || !Base64Url.IsValid(cursor)
            || Base64Url.DecodeFromChars(cursor, bytes) != 16) return false;
        entryId = new Guid(bytes, bigEndian: true);
        return true;
    }
}
