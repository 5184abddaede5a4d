using Aggregator.Api.Auth;
using Aggregator.Api.Features.Shared;
using Aggregator.Api.Generations;
using Aggregator.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Aggregator.Api.Tests.Rollups;

/// <summary>
/// An answer kept in memory under generations that have moved can never be met again (its key holds them): it leaves
/// the cache when this replica hears of the move, whichever way it hears (the job's NOTIFY, a year read anew, the poll),
/// instead of filling the cache until unread for ten minutes. Answers of other years, and of other tenants, stay.
/// </summary>
public sealed class AnswerEvictionTests
{
    private static readonly Guid Tenant = Guid.NewGuid();
    private static readonly Guid Other = Guid.NewGuid();

    private sealed class Replica : IDisposable
    {
        public FigureGenerations Generations { get; } = new();
        public FigureAnswers Answers { get; }

        public Replica()
        {
            Generations.ReplaceAll(
            [
                new FigureGenerations.Row(Tenant, 2017, 10, 0, 0), new FigureGenerations.Row(Tenant, 2018, 11, 0, 0),
                new FigureGenerations.Row(Other, 2017, 12, 0, 0),
            ], readSince: 0);
            Answers = new FigureAnswers(Generations, Options.Create(new AnswerCacheOptions()), SeedReport.Catalog);
        }

        /// <summary>A viewer's read of <paramref name="tenant"/>'s figures of <paramref name="years"/> (null: every year), begun.</summary>
        public (HttpContext Http, FigureRead Read) Begin(Guid tenant, int[]? years, string path)
        {
            var http = new DefaultHttpContext { Response = { Body = new MemoryStream() } };
            http.Request.Path = path;
            var access = new RequestAccess();
            access.Grant(new Caller("key", KeyRoles.Viewer, tenant, "t", null, null), new ResolvedTenant(tenant, "Asia/Shanghai"));
            var read = Answers.Begin(http, access, years);
            Assert.NotNull(read.Key);
            return (http, read);
        }

        /// <summary>The read answered and kept.</summary>
        public async Task<FigureRead> SendAsync(HttpContext http, FigureRead read)
        {
            await Answers.SendBytesAsync(http, read, "{}"u8.ToArray(), FigureAnswers.JsonContentType);
            return read;
        }

        /// <summary>Keeps one answer of <paramref name="tenant"/> made of <paramref name="years"/> and says its key.</summary>
        public Task<FigureRead> KeepAsync(Guid tenant, int[]? years, string path)
        {
            var (http, read) = Begin(tenant, years, path);
            return SendAsync(http, read);
        }

        public bool Holds(FigureRead read) => Answers.Holds(read);

        public void Dispose() => Answers.Dispose();
    }

    [Fact]
    public async Task Should_drop_an_answer_when_its_years_figures_are_stored_anew_and_keep_the_others()
    {
        using var replica = new Replica();
        var of2017 = await replica.KeepAsync(Tenant, [2017], "/a");
        var of2018 = await replica.KeepAsync(Tenant, [2018], "/b");
        var comparison = await replica.KeepAsync(Tenant, [2018, 2017], "/c");
        var series = await replica.KeepAsync(Tenant, null, "/d");
        var otherTenant = await replica.KeepAsync(Other, [2017], "/e");
        Assert.All(new[] { of2017, of2018, comparison, series, otherTenant }, read => Assert.True(replica.Holds(read)));

        replica.Generations.Stored(Tenant, 2017, figures: 20);

        Assert.False(replica.Holds(of2017));
        Assert.False(replica.Holds(comparison));
        Assert.False(replica.Holds(series));
        Assert.True(replica.Holds(of2018));
        Assert.True(replica.Holds(otherTenant));
    }

    [Fact]
    public async Task Should_drop_an_answer_when_a_change_is_pending_for_its_year_or_the_poll_reads_other_generations()
    {
        using var replica = new Replica();
        var of2017 = await replica.KeepAsync(Tenant, [2017], "/a");
        var of2018 = await replica.KeepAsync(Tenant, [2018], "/b");
        var otherTenant = await replica.KeepAsync(Other, [2017], "/e");

        // The same generations read again: nothing moved, nothing dropped.
        replica.Generations.Replace(new FigureGenerations.Row(Tenant, 2017, 10, 0, 0), readSince: 0);
        Assert.True(replica.Holds(of2017));

        // A change committed and not yet in the figures.
        replica.Generations.Replace(new FigureGenerations.Row(Tenant, 2017, 10, 1, 77), readSince: 0);
        Assert.False(replica.Holds(of2017));
        Assert.True(replica.Holds(of2018));

        // The poll finds the other tenant's year moved, and this tenant's 2018 gone (its figures deleted).
        replica.Generations.ReplaceAll([new FigureGenerations.Row(Tenant, 2017, 10, 1, 77), new FigureGenerations.Row(Other, 2017, 13, 0, 0)], readSince: 0);
        Assert.False(replica.Holds(of2018));
        Assert.False(replica.Holds(otherTenant));
    }

    [Fact]
    public async Task Should_not_keep_an_answer_whose_generations_moved_while_it_was_read()
    {
        using var replica = new Replica();
        var (http, read) = replica.Begin(Tenant, [2017], "/a");

        replica.Generations.Stored(Tenant, 2017, figures: 30); // the job stored new figures during the read
        await replica.SendAsync(http, read);

        Assert.False(replica.Holds(read));
    }
}
