using System.Globalization;
using System.Text;
using Aggregator.Api.Input;
using Sylvan.Data.Csv;
using Aggregator.Api.Errors.Texts;

namespace Aggregator.Api.Features.Imports;

/// <summary>One data row of an import file, its fields trimmed; <see cref="Problem"/> when the row itself is unreadable.</summary>
public sealed record ImportRow(int Line, string Org, string Year, string Template, string Indicator, string Value, string ReportedAt, string? Problem);

/// <summary>The file is not an import file at all (no header, not UTF-8): answered 400 naming <c>file</c>.</summary>
public sealed class ImportFileException(string message) : Exception(message);

/// <summary>The file holds more rows than <see cref="CsvImportFile.MaxRows"/>: answered 413.</summary>
public sealed class ImportFileTooLargeException(string message) : Exception(message);

/// <summary>
/// Reads an import file: CSV with the header <c>org,year,template,indicator,value[,reportedAt]</c> (columns in any
/// order, names in any case), UTF-8 with or without BOM, as Excel writes it — CRLF, quoted fields, trailing empty
/// lines or rows of empty cells. Separated by commas, or by semicolons or tabs when the header is (Excel in locales
/// whose decimal mark is a comma). Parsing is Sylvan.Data.Csv's; this class only names columns and lines.
/// </summary>
public static class CsvImportFile
{
    /// <summary>The largest upload: 20 MiB, about 400,000 rows of a typical file.</summary>
    public const long MaxBytes = 20 * 1024 * 1024;

    /// <summary>Rows of data (the header not counted).</summary>
    public const int MaxRows = 200_000;

    public const string Header = "org,year,template,indicator,value[,reportedAt]";

    private static readonly string[] Required = ["org", "year", "template", "indicator", "value"];
    private const string Optional = "reportedAt";

    /// <summary>The data rows, or <see cref="ImportFileException"/> / <see cref="ImportFileTooLargeException"/>.</summary>
    public static IReadOnlyList<ImportRow> Read(byte[] bytes)
    {
        string text;
        // Strict UTF-8: a file saved as GBK would otherwise arrive as replacement characters and unknown org codes.
        try { text = new StreamReader(new MemoryStream(bytes), new UTF8Encoding(false, throwOnInvalidBytes: true), true).ReadToEnd(); }
        catch (DecoderFallbackException) { throw new ImportFileException(ProblemText.CsvNotUtf8()); }
        // NUL is no character of a text file (UTF-16 without its BOM is full of them); the reader would also take it for a comment mark.
        if (text.Contains('\0')) throw new ImportFileException(ProblemText.CsvNul());

        // The delimiter is detected from the header line: comma, semicolon, tab or pipe.
        using var csv = CsvDataReader.Create(new StringReader(text), new CsvDataReaderOptions { HasHeaders = false, Comment = '\0' });
        var line = 1;
        try
        {
            if (!NextRecord(csv, ref line, out var header) || header.All(string.IsNullOrWhiteSpace))
                throw new ImportFileException(ProblemText.CsvEmpty(Header));
            var columns = Columns(header);
            var rows = new List<ImportRow>();
            while (NextRecord(csv, ref line, out var fields))
            {
                if (fields.All(string.IsNullOrWhiteSpace)) continue;
                if (rows.Count == MaxRows)
                    throw new ImportFileTooLargeException(ProblemText.CsvTooManyRows(MaxRows.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)));
                rows.Add(columns.Row(line, fields));
            }
            return rows;
        }
        catch (CsvFormatException)
        {
            throw new ImportFileException(ProblemText.CsvUnreadableLine(line));
        }
    }

    /// <summary>The next record; <paramref name="line"/> moves from the previous record's first line to this one's.</summary>
    private static bool NextRecord(CsvDataReader csv, ref int line, out string[] fields)
    {
        fields = [];
        if (csv.RowNumber > 0) line += LineBreaks(csv.GetRawRecordSpan());
        if (!csv.Read()) return false;
        fields = new string[csv.RowFieldCount];
        for (var i = 0; i < fields.Length; i++) fields[i] = csv.GetString(i);
        return true;
    }

    private static int LineBreaks(ReadOnlySpan<char> raw)
    {
        var count = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == '\n' || raw[i] == '\r' && (i + 1 == raw.Length || raw[i + 1] != '\n')) count++;
        }
        return count;
    }

    private static ColumnMap Columns(string[] header)
    {
        var names = header.Select(name => name.Trim()).ToArray();
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < names.Length; i++)
        {
            if (names[i].Length == 0 && i == names.Length - 1) continue; // a trailing separator
            if (!Required.Append(Optional).Contains(names[i], StringComparer.OrdinalIgnoreCase))
                throw new ImportFileException(ProblemText.CsvHeaderUnknownColumn(Header, Clip(ControlCharacters.Visible(names[i]))));
            if (!index.TryAdd(names[i], i))
                throw new ImportFileException(ProblemText.CsvHeaderTwice(names[i]));
        }
        var missing = Required.Where(name => !index.ContainsKey(name)).ToList();
        if (missing.Count > 0)
            throw new ImportFileException(ProblemText.CsvHeaderLacks(Header, string.Join(", ", missing)));
        return new ColumnMap(index["org"], index["year"], index["template"], index["indicator"], index["value"],
            index.TryGetValue(Optional, out var reportedAt) ? reportedAt : null, index.Values.Max() + 1);
    }

    private static string Clip(string text) => text.Length <= 50 ? text : string.Concat(text.AsSpan(0, 50), "…");

    private sealed record ColumnMap(int Org, int Year, int Template, int Indicator, int Value, int? ReportedAt, int Count)
    {
        public ImportRow Row(int line, string[] fields)
        {
            string Field(int? at) => at is { } i && i < fields.Length ? fields[i].Trim() : "";
            // Cells past the header's columns may be empty (Excel pads rows to the widest one); text there is not.
            var problem = fields.Length < Count ? $"{fields.Length} field(s) where the header has {Count}"
                : fields.Skip(Count).Any(field => !string.IsNullOrWhiteSpace(field)) ? $"{fields.Length} fields where the header has {Count}"
                : fields.Any(ControlCharacters.In) ? $"a field {ControlCharacters.Reason}"
                : null;
            return new ImportRow(line, Field(Org), Field(Year), Field(Template), Field(Indicator), Field(Value), Field(ReportedAt), problem);
        }
    }
}
