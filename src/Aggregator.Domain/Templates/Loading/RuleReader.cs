using Aggregator.Domain.Rules;

namespace Aggregator.Domain.Templates.Loading;

/// <summary>Reads declared rules, expands rule families over a table's rows or columns, checks every operand.</summary>
internal sealed class RuleReader(
    string file,
    IReadOnlyList<Indicator> indicators,
    IReadOnlySet<string> groupCodes,
    IReadOnlyList<TemplateTable> tables)
{
    private const string RowPlaceholder = "{row}";
    private const string ColumnPlaceholder = "{column}";

    private readonly HashSet<string> indicatorCodes = indicators.Select(indicator => indicator.Code).ToHashSet(StringComparer.Ordinal);

    public IReadOnlyList<ReportRule> Read(IEnumerable<RuleJson> rules, IEnumerable<RuleJson> families)
    {
        var read = rules.Select(rule => Build(rule, rule.Id, substitute: null))
            .Concat(families.SelectMany(Expand))
            .ToList();
        var duplicate = read.GroupBy(rule => rule.Id, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        return duplicate is null ? read : throw Fault($"duplicate rule id '{duplicate.Key}'");
    }

    private IEnumerable<ReportRule> Expand(RuleJson family)
    {
        var id = family.Id ?? throw Fault("a rule family has no id");
        var table = tables.FirstOrDefault(table => table.Code == family.Table)
            ?? throw Fault($"rule family '{id}' names unknown table '{family.Table}'");
        var (placeholder, keys) = family.ForEach switch
        {
            "row" => (RowPlaceholder, table.DataRows.Select(row => row.Code).ToList()),
            "column" => (ColumnPlaceholder, table.Columns.Select(column => column.Code).ToList()),
            _ => throw Fault($"rule family '{id}' has forEach '{family.ForEach}'; expected row or column"),
        };
        if (!id.Contains(placeholder, StringComparison.Ordinal))
        {
            throw Fault($"rule family '{id}' must put {placeholder} in its id so that each expanded rule has its own id");
        }

        return keys.Select(key => Build(family, id.Replace(placeholder, key, StringComparison.Ordinal), code => code.Replace(placeholder, key, StringComparison.Ordinal)));
    }

    private ReportRule Build(RuleJson rule, string? id, Func<string, string>? substitute)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw Fault("a rule has no id");
        }

        var kind = rule.Kind switch
        {
            "sum" => RuleKind.Sum,
            "lte" => RuleKind.LessOrEqual,
            "gte" => RuleKind.GreaterOrEqual,
            _ => throw Fault($"rule '{id}' has kind '{rule.Kind}'; expected sum, lte or gte"),
        };
        var severity = rule.Severity switch
        {
            "error" => RuleSeverity.Error,
            "warning" => RuleSeverity.Warning,
            _ => throw Fault($"rule '{id}' has severity '{rule.Severity}'; expected error or warning"),
        };
        var left = Operands(id, rule.Left, "left", substitute);
        var right = Operands(id, rule.Right, "right", substitute);
        return new ReportRule(id, kind, severity, left, right, rule.Message ?? DefaultMessage(kind), rule.Note);
    }

    private string[] Operands(string id, List<string>? codes, string side, Func<string, string>? substitute)
    {
        if (codes is null || codes.Count == 0)
        {
            throw Fault($"rule '{id}' has no {side} operands");
        }

        var operands = codes.Select(code => substitute?.Invoke(code) ?? code).ToArray();
        foreach (var code in operands)
        {
            if (groupCodes.Contains(code))
            {
                throw Fault($"rule '{id}' names group '{code}', which has no value of its own");
            }

            if (!indicatorCodes.Contains(code))
            {
                throw Fault($"rule '{id}' names unknown indicator '{code}'");
            }
        }

        return operands;
    }

    private static string DefaultMessage(RuleKind kind) => kind switch
    {
        RuleKind.Sum => "{left}为 {leftValue}，不等于 {right}的 {rightValue}",
        RuleKind.LessOrEqual => "{left}为 {leftValue}，大于 {right}的 {rightValue}",
        _ => "{left}为 {leftValue}，小于 {right}的 {rightValue}",
    };

    private TemplateLoadException Fault(string fault) => new(file, fault);
}
