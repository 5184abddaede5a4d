using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Domain.Rollups;
using Aggregator.Domain.Values;
using Dapper;
using FsCheck;
using FsCheck.Fluent;

namespace Aggregator.Api.Tests.Rollups;

/// <summary>Stored rollups against an independent in-memory sum (the domain's RollupCalculator).</summary>
[Collection(ApiCollection.Name)]
public sealed class RollupPropertyTests(ApiFixture api)
{
    private static readonly string[] Codes = ["1.1", "1.1.1", "3.1", "4", "7"];
    private const int Year = 2017;

    public sealed record TreeSpec(int[] ParentPicks, bool[] ReportsFlags, bool[] Reported, decimal?[] Cells)
    {
        public override string ToString() =>
            $"picks=[{string.Join(',', ParentPicks)}] flags=[{string.Join(',', ReportsFlags)}] reported=[{string.Join(',', Reported)}] cells=[{string.Join(',', Cells.Select(c => c?.ToString() ?? "null"))}]";
    }

    private static readonly Gen<TreeSpec> Trees =
        from n in Gen.Choose(2, 12)
        from picks in Gen.ArrayOf(Gen.Choose(0, 1000), n)
        from flags in Gen.ArrayOf(Gen.Elements(true, false, false, false), n)
        from reported in Gen.ArrayOf(Gen.Elements(true, true, false), n)
        from cells in Gen.ArrayOf(Gen.Frequency((1, Gen.Constant((decimal?)null)), (4, Gen.Choose(0, 500).Select(v => (decimal?)v))), n * Codes.Length)
        select new TreeSpec(picks, flags, reported, cells);

    [Fact]
    public void Should_store_for_every_node_and_indicator_what_an_in_memory_sum_gives()
    {
        Prop.ForAll(Trees.ToArbitrary(), spec => Task.Run(() => CheckAsync(spec)).GetAwaiter().GetResult())
            .Check(Config.QuickThrowOnFailure.WithMaxTest(15));
    }

    private async Task CheckAsync(TreeSpec spec)
    {
        var rows = new ReportRows(api);
        var tenant = await new Infrastructure.TestData(api).TenantAsync();
        var tenantId = await rows.TenantIdAsync(tenant);
        var root = await rows.UnitAsync(tenantId, tenant);

        // Unit i hangs under an earlier unit, at most 4 levels below the root.
        var units = new List<ReportRows.Unit> { root };
        var depth = new List<int> { 0 };
        for (var i = 1; i < spec.ParentPicks.Length; i++)
        {
            var candidates = Enumerable.Range(0, i).Where(j => depth[j] < 4).ToList();
            var parent = candidates[spec.ParentPicks[i] % candidates.Count];
            units.Add(await rows.AddUnitAsync(tenantId, units[parent], spec.ReportsFlags[i]));
            depth.Add(depth[parent] + 1);
        }

        var reports = new Dictionary<long, ReportValues>();
        for (var i = 0; i < units.Count; i++)
        {
            if (!spec.Reported[i]) continue;
            var values = ReportValues.From(Codes.Select((code, c) => KeyValuePair.Create(code, spec.Cells[i * Codes.Length + c])));
            reports[units[i].Id] = values;
            await rows.StoreAsync(tenantId, units[i].Id, Year, "bj-gip-2017", values);
        }
        if (reports.Count == 0) await rows.StoreAsync(tenantId, units[^1].Id, Year, "bj-gip-2017", new Dictionary<string, decimal?>());
        await rows.WaitForFiguresAsync(tenantId, Year);
        if (reports.Count == 0) reports[units[^1].Id] = ReportValues.Empty;

        var expected = RollupCalculator.Compute(
            units.Select(u => new RollupUnit(u.Id, u.ParentId, u.Code, u.Reports)).ToList(), reports, Codes);

        var stored = await rows.QueryAsync(tenantId, async db => (
            Values: (await db.QueryAsync<(long Unit, string Indicator, decimal? Value, int Reporters)>(
                "SELECT org_unit_id, indicator, value, reporters FROM rollup_values WHERE year = @Year", new { Year })).ToList(),
            Completeness: (await db.QueryAsync<(long Unit, int Expected, int Reported, string[] Missing)>(
                "SELECT org_unit_id, expected, reported, missing FROM rollup_completeness WHERE year = @Year", new { Year })).ToList()));

        Assert.Equal(expected.Keys.Order(), stored.Completeness.Select(c => c.Unit).Order());
        foreach (var (unitId, node) in expected)
        {
            var storedValues = stored.Values.Where(v => v.Unit == unitId).ToDictionary(v => v.Indicator, v => new RollupCell(v.Value, v.Reporters));
            Assert.Equal(node.Values.OrderBy(p => p.Key, StringComparer.Ordinal), storedValues.OrderBy(p => p.Key, StringComparer.Ordinal));
            var completeness = stored.Completeness.Single(c => c.Unit == unitId);
            Assert.Equal(node.Completeness.Expected, completeness.Expected);
            Assert.Equal(node.Completeness.Reported, completeness.Reported);
            Assert.Equal(node.Completeness.Missing, completeness.Missing);
        }
    }
}
