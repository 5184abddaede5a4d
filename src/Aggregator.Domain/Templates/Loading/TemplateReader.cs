using Aggregator.Domain.Rules;

namespace Aggregator.Domain.Templates.Loading;

/// <summary>Turns one template file into a checked <see cref="ReportTemplate"/>.</summary>
internal sealed class TemplateReader
{
    private readonly string file;
    private readonly List<Indicator> indicators = [];
    private readonly List<LayoutRow> layout = [];
    private readonly List<TemplateTable> tables = [];
    private readonly HashSet<string> codes = new(StringComparer.Ordinal);
    private readonly HashSet<string> groupCodes = new(StringComparer.Ordinal);

    private TemplateReader(string file) => this.file = file;

    public static ReportTemplate Read(string file, Stream content)
    {
        var json = JsonFile.Read<TemplateJson>(file, content);
        return new TemplateReader(file).Build(json);
    }

    private ReportTemplate Build(TemplateJson json)
    {
        var code = Required(json.Code, "template has no code");
        var name = Required(json.Name, "template has no name");
        var firstYear = json.FirstYear ?? throw Fault("template has no firstYear");
        if (json.LastYear < firstYear)
        {
            throw Fault($"lastYear {json.LastYear} is before firstYear {firstYear}");
        }

        if ((json.Rows is null) == (json.Tables is null))
        {
            throw Fault("a template has either rows (flat table) or tables (matrices), not both and not neither");
        }

        if (json.Rows is not null)
        {
            ReadRows(json.Rows);
        }
        else
        {
            json.Tables!.ForEach(ReadTable);
        }

        var rules = new RuleReader(file, indicators, groupCodes, tables).Read(json.Rules ?? [], json.RuleFamilies ?? []);
        return new ReportTemplate(code, name, firstYear, json.LastYear, indicators, layout, tables, rules)
        {
            Narrative = NarrativeReader.Read(file, json.Narrative ?? [], indicators),
        };
    }

    private void ReadRows(List<RowJson> rows)
    {
        foreach (var (row, index) in rows.Select((row, index) => (row, index)))
        {
            var layoutRow = ReadLayoutRow(row, index, parentScope: codes);
            layout.Add(layoutRow);
            if (layoutRow.IsGroup)
            {
                continue;
            }

            var valueType = ParseValueType(row.ValueType, layoutRow.Code);
            indicators.Add(new Indicator
            {
                Code = layoutRow.Code,
                Label = layoutRow.Label,
                Unit = Required(row.Unit, $"indicator '{layoutRow.Code}' has no unit"),
                Parent = layoutRow.Parent,
                ValueType = valueType,
                Scale = ParseScale(row.Scale, valueType, layoutRow.Code),
                Aggregate = ParseAggregate(row.Aggregate, layoutRow.Code),
                AllowNegative = row.AllowNegative,
                Note = row.Note,
                Position = indicators.Count,
            });
        }
    }

    private void ReadTable(TableJson table)
    {
        var tableCode = Required(table.Code, $"table #{tables.Count + 1} has no code");
        Claim(tableCode);
        var rowCodes = new HashSet<string>(StringComparer.Ordinal);
        var rows = (table.Rows ?? throw Fault($"table '{tableCode}' has no rows"))
            .Select((row, index) => ReadLayoutRow(row, index, parentScope: rowCodes))
            .ToList();
        var columns = (table.Columns ?? throw Fault($"table '{tableCode}' has no columns"))
            .Select(column => ReadColumn(table, tableCode, column))
            .ToList();
        if (columns.Select(column => column.Code).Distinct(StringComparer.Ordinal).Count() != columns.Count)
        {
            throw Fault($"table '{tableCode}' repeats a column code");
        }

        var aggregate = ParseAggregate(table.Aggregate, tableCode);
        foreach (var row in rows.Where(row => !row.IsGroup))
        {
            foreach (var column in columns)
            {
                var cellCode = TemplateTable.CellCode(row.Code, column.Code);
                Claim(cellCode);
                indicators.Add(new Indicator
                {
                    Code = cellCode,
                    Label = $"{row.Label}·{column.Label}",
                    Unit = column.Unit,
                    ValueType = column.ValueType,
                    Scale = column.Scale,
                    Aggregate = aggregate,
                    AllowNegative = column.AllowNegative,
                    Table = tableCode,
                    Row = row.Code,
                    Column = column.Code,
                    Position = indicators.Count,
                });
            }
        }

        tables.Add(new TemplateTable(tableCode, Required(table.Label, $"table '{tableCode}' has no label"), table.Numbering, table.ColumnGroup, rows, columns)
        {
            Section = table.Section,
            PrintedAsOneRow = table.PrintedAsOneRow,
        });
    }

    private TableColumn ReadColumn(TableJson table, string tableCode, ColumnJson column)
    {
        var code = Required(column.Code, $"table '{tableCode}' has a column without code");
        var where = $"{tableCode}/{code}";
        var valueType = ParseValueType(column.ValueType ?? table.ValueType, where);
        var unit = Required(column.Unit ?? table.Unit, $"column '{where}' has no unit");
        var scale = ParseScale(column.Scale ?? (column.ValueType is null ? table.Scale : null), valueType, where);
        return new TableColumn(code, Required(column.Label, $"column '{where}' has no label"), column.Group, unit, valueType, scale, column.AllowNegative);
    }

    // Parents are looked up among the rows read so far: the template's codes for flat tables, the table's rows for matrices.
    private LayoutRow ReadLayoutRow(RowJson row, int index, HashSet<string> parentScope)
    {
        var code = Required(row.Code, $"row #{index + 1} has no code");
        var label = Required(row.Label, $"row '{code}' has no label");
        if (row.Parent is not null && !parentScope.Contains(row.Parent))
        {
            throw Fault($"row '{code}' names unknown parent '{row.Parent}' (a parent must be listed before its children)");
        }

        Claim(code);
        parentScope.Add(code);

        if (row.Group)
        {
            groupCodes.Add(code);
            if (row.Unit is not null || row.ValueType is not null)
            {
                throw Fault($"group '{code}' has a unit or value type but groups hold no value");
            }
        }

        return new LayoutRow(code, label, row.Numbering, row.Parent, row.Group);
    }

    private void Claim(string code)
    {
        if (!codes.Add(code))
        {
            throw Fault($"duplicate code '{code}'");
        }
    }

    private IndicatorValueType ParseValueType(string? value, string where) => value switch
    {
        "integer" => IndicatorValueType.Integer,
        "decimal" => IndicatorValueType.Decimal,
        null => throw Fault($"'{where}' has no valueType"),
        _ => throw Fault($"'{where}' has valueType '{value}'; expected integer or decimal"),
    };

    private int ParseScale(int? scale, IndicatorValueType valueType, string where) => (valueType, scale) switch
    {
        (IndicatorValueType.Integer, null or 0) => 0,
        (IndicatorValueType.Integer, _) => throw Fault($"'{where}' is an integer but declares scale {scale}"),
        (IndicatorValueType.Decimal, null) => throw Fault($"'{where}' is a decimal without scale"),
        (_, < 0 or > 18) => throw Fault($"'{where}' has scale {scale}; expected 0–18"),
        _ => scale!.Value,
    };

    private AggregateKind ParseAggregate(string? value, string where) => value switch
    {
        null or "sum" => AggregateKind.Sum,
        "none" => AggregateKind.None,
        _ => throw Fault($"'{where}' has aggregate '{value}'; expected sum or none"),
    };

    private string Required(string? value, string fault) =>
        string.IsNullOrWhiteSpace(value) ? throw Fault(fault) : value;

    private TemplateLoadException Fault(string fault) => new(file, fault);
}
