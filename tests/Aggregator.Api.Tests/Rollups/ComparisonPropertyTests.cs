using Aggregator.Api.Tests.Infrastructure;
using Aggregator.Domain.Templates;
using Aggregator.Jobs.Rollups;
using Dapper;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aggregator.Api.Tests.Rollups;

/// <summary>
/// The job stores a year's comparison with the year before from the two years' stored rollups, reading cell by cell
/// only what is not like for like (units counted in one year, cells empty in one year). On random trees and figures it
/// must store exactly what the comparison from every counted value gives (<see cref="ComparisonFigures.ForUnitAsync"/>),
/// for every unit with descendants.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ComparisonPropertyTests(ApiFixture api)
{
    /// <summary>Two years, their templates, and the codes drawn in each (the rest of each template's cells are empty).</summary>
    public sealed record Case(int Year, string Template, string[] Codes, int BaseYear, string BaseTemplate, string[] BaseCodes);

    private const int CodesDrawn = 5;

    private static readonly Case SameTemplate = new(2017, "bj-gip-2017", ["1.1", "1.1.1", "3.1", "4", "7"], 2016, "bj-gip-2017", ["1.1", "1.1.1", "3.1", "4", "7"]);

    // Across the 2018 → 2019 change: 3.1 → 3.1:total one to one, 5 → 4.2:total + 4.3:total (a key of two codes,
    // compared from every counted value), 3.1:np and 1.1 not comparable.
    private static readonly Case TemplateChange = new(2019, "cn-gip-2019", ["3.1:total", "4.2:total", "4.3:total", "3.1:np", "3.2:total"],
        2018, "bj-gip-2017", ["3.1", "5", "1.1", "3.2", "4"]);

    public sealed record Spec(int[] ParentPicks, bool[] InYear, bool[] InBaseYear, decimal?[] Cells, decimal?[] BaseCells)
    {
        public override string ToString() =>
            $"picks=[{string.Join(',', ParentPicks)}] year=[{string.Join(',', InYear)}] base=[{string.Join(',', InBaseYear)}] " +
            $"cells=[{string.Join(',', Cells.Select(c => c?.ToString() ?? "null"))}] base=[{string.Join(',', BaseCells.Select(c => c?.ToString() ?? "null"))}]";
    }

    private static Gen<decimal?> Cell => Gen.Frequency((1, Gen.Constant((decimal?)null)), (3, Gen.Choose(0, 500).Select(v => (decimal?)v)));

    private static readonly Gen<Spec> Specs =
        from n in Gen.Choose(3, 10)
        from picks in Gen.ArrayOf(Gen.Choose(0, 1000), n)
        from inYear in Gen.ArrayOf(Gen.Elements(true, true, true, false), n)
        from inBase in Gen.ArrayOf(Gen.Elements(true, true, true, false), n)
        from cells in Gen.ArrayOf(Cell, n * CodesDrawn)
        from baseCells in Gen.ArrayOf(Cell, n * CodesDrawn)
        select new Spec(picks, inYear, inBase, cells, baseCells);

    [Fact]
    public void Should_store_from_the_rollups_exactly_the_comparison_that_every_counted_value_gives()
    {
        Prop.ForAll(Specs.ToArbitrary(), spec => Task.Run(() => CheckAsync(SameTemplate, spec)).GetAwaiter().GetResult())
            .Check(Config.QuickThrowOnFailure.WithMaxTest(12));
    }

    [Fact]
    public void Should_store_from_the_rollups_exactly_the_comparison_across_a_template_change_that_every_counted_value_gives()
    {
        Prop.ForAll(Specs.ToArbitrary(), spec => Task.Run(() => CheckAsync(TemplateChange, spec)).GetAwaiter().GetResult())
            .Check(Config.QuickThrowOnFailure.WithMaxTest(8));
    }

    private async Task CheckAsync(Case c, Spec spec)
    {
        var (Year, Template, BaseYear) = (c.Year, c.Template, c.BaseYear);
        var rows = new ReportRows(api);
        var catalog = api.Factory.Services.GetRequiredService<TemplateCatalog>();
        var template = catalog.Find(Template)!;
        var baseTemplate = catalog.Find(c.BaseTemplate)!;
        var tenant = await new Infrastructure.TestData(api).TenantAsync();
        var tenantId = await rows.TenantIdAsync(tenant);
        var units = new List<ReportRows.Unit> { await rows.UnitAsync(tenantId, tenant) };
        for (var i = 1; i < spec.ParentPicks.Length; i++)
            units.Add(await rows.AddUnitAsync(tenantId, units[spec.ParentPicks[i] % i]));

        // Every indicator of the template a row, as every writer stores them; the cells not drawn are empty.
        static Dictionary<string, decimal?> Whole(ReportTemplate template, string[] codes, decimal?[] cells, int unit) =>
            template.Indicators.ToDictionary(indicator => indicator.Code,
                indicator => Array.IndexOf(codes, indicator.Code) is var c and >= 0 ? cells[unit * CodesDrawn + c] : null);
        for (var i = 0; i < units.Count; i++)
        {
            if (spec.InYear[i]) await rows.StoreAsync(tenantId, units[i].Id, Year, Template, Whole(template, c.Codes, spec.Cells, i));
            if (spec.InBaseYear[i]) await rows.StoreAsync(tenantId, units[i].Id, BaseYear, c.BaseTemplate, Whole(baseTemplate, c.BaseCodes, spec.BaseCells, i));
        }
        // Both years have a report, so the pair is stored.
        if (!spec.InYear.Contains(true)) await rows.StoreAsync(tenantId, units[^1].Id, Year, Template, Whole(template, c.Codes, spec.Cells, units.Count - 1));
        if (!spec.InBaseYear.Contains(true)) await rows.StoreAsync(tenantId, units[0].Id, BaseYear, c.BaseTemplate, Whole(baseTemplate, c.BaseCodes, spec.BaseCells, 0));
        await rows.WaitForFiguresAsync(tenantId, BaseYear);
        await rows.WaitForFiguresAsync(tenantId, Year);

        // The year again, with the year before current: its comparison comes from the rollups.
        var steps = new List<string>();
        var job = new RollupJob(api.TenantDb, catalog, NullLogger<RollupJob>.Instance)
        {
            AfterStep = step => { steps.Add(step); return Task.CompletedTask; },
        };
        Assert.True(await job.ExecuteAsync(tenantId, Year, force: true, CancellationToken.None));
        Assert.Contains($"comparison {Year}/{BaseYear} from rollups", steps);

        var plan = ComparisonPlanner.Plan(catalog, tenantId, Year, template, BaseYear, baseTemplate);
        var parents = units.Where(unit => units.Any(child => child.ParentId == unit.Id)).Select(unit => unit.Id).ToList();
        var (stored, computed) = await rows.QueryAsync(tenantId, async db =>
        {
            var stored = (await db.QueryAsync<(long Unit, string Indicator, decimal? Value, decimal? BaseValue, decimal? LflValue, decimal? LflBaseValue, int LflUnits, decimal? PctChange, decimal? LflPctChange)>("""
                SELECT org_unit_id, indicator, value, base_value, lfl_value, lfl_base_value, lfl_units, pct_change, lfl_pct_change
                FROM comparison_values WHERE year = @Year AND base_year = @BaseYear
                """, new { Year, BaseYear })).ToList();
            var computed = new List<(long, string, decimal?, decimal?, decimal?, decimal?, int, decimal?, decimal?)>();
            foreach (var unit in parents)
                computed.AddRange((await ComparisonFigures.ForUnitAsync(db, plan, unit)).Select(row =>
                    (unit, row.Indicator, row.Value, row.BaseValue, row.LflValue, row.LflBaseValue, row.LflUnits, row.PctChange, row.LflPctChange)));
            return (stored, computed);
        });

        // Every unit with descendants (those with figures below them), every summable indicator; nothing else.
        Assert.NotEmpty(stored);
        Assert.Equal(computed.Order(), stored.Select(row => (row.Unit, row.Indicator, row.Value, row.BaseValue, row.LflValue, row.LflBaseValue, row.LflUnits, row.PctChange, row.LflPctChange)).Order());
    }
}
