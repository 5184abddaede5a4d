using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Aggregator.Benchmarks.Suite;

/// <summary>
/// report_values rows in PostgreSQL's binary COPY format, written straight to a raw COPY stream: the tenant, the year
/// and each indicator code are encoded once, not once per value as NpgsqlBinaryImporter does (its per-value type
/// handling cost the generator more CPU than the server spent storing the rows). The server checks every field as it
/// reads it; the generator then compares the rows' count and sum with what it sent (<see cref="DataGenerator"/>).
/// </summary>
internal sealed class ValueRows(Stream copy, Guid tenantId, int year, IReadOnlyList<string> codes)
{
    // The signature "PGCOPY\n\377\r\n\0", then flags and the header extension's length, both 0.
    private static readonly byte[] Header = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', 0x0A, 0xFF, 0x0D, 0x0A, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];

    // Field count (5), then the length-prefixed uuid and integer, which every row of the stream shares.
    private readonly byte[] _prefix = Prefix(tenantId, year);
    private readonly byte[][] _codes = codes.Select(code => LengthPrefixed(Encoding.UTF8.GetBytes(code))).ToArray();
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _used;
    private bool _started;

    public long Rows { get; private set; }

    public void Write(long orgUnitId, int cell, decimal value)
    {
        if (!_started) { Append(HeaderBytes()); _started = true; }
        if (_used + 256 > _buffer.Length) Flush();
        Append(_prefix);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_used), 8);
        BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(_used + 4), orgUnitId);
        _used += 12;
        Append(_codes[cell]);
        _used += WriteNumeric(_buffer.AsSpan(_used), value);
        Rows++;
    }

    /// <summary>The trailer, and everything still buffered.</summary>
    public void Complete()
    {
        if (!_started) { Append(HeaderBytes()); _started = true; }
        BinaryPrimitives.WriteInt16BigEndian(_buffer.AsSpan(_used), -1);
        _used += 2;
        Flush();
    }

    private static byte[] HeaderBytes() => Header;

    private void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer.AsSpan(_used));
        _used += bytes.Length;
    }

    private void Flush()
    {
        copy.Write(_buffer, 0, _used);
        _used = 0;
    }

    private static byte[] Prefix(Guid tenantId, int year)
    {
        var prefix = new byte[2 + 4 + 16 + 4 + 4];
        BinaryPrimitives.WriteInt16BigEndian(prefix, 5);
        BinaryPrimitives.WriteInt32BigEndian(prefix.AsSpan(2), 16);
        tenantId.TryWriteBytes(prefix.AsSpan(6), bigEndian: true, out _);
        BinaryPrimitives.WriteInt32BigEndian(prefix.AsSpan(22), 4);
        BinaryPrimitives.WriteInt32BigEndian(prefix.AsSpan(26), year);
        return prefix;
    }

    private static byte[] LengthPrefixed(byte[] bytes)
    {
        var field = new byte[4 + bytes.Length];
        BinaryPrimitives.WriteInt32BigEndian(field, bytes.Length);
        bytes.CopyTo(field, 4);
        return field;
    }

    /// <summary>
    /// A numeric field (length, then ndigits, weight, sign, dscale and base-10000 digits), with the decimal's own scale
    /// as dscale, as Npgsql sends it.
    /// </summary>
    internal static int WriteNumeric(Span<byte> target, decimal value)
    {
        var text = Math.Abs(value).ToString(CultureInfo.InvariantCulture);
        var point = text.IndexOf('.');
        var whole = point < 0 ? text : text[..point];
        var fraction = point < 0 ? "" : text[(point + 1)..];

        Span<short> digits = stackalloc short[16];
        var count = 0;
        whole = whole.TrimStart('0');
        var wholeGroups = (whole.Length + 3) / 4;
        whole = whole.PadLeft(wholeGroups * 4, '0');
        for (var g = 0; g < wholeGroups; g++) digits[count++] = short.Parse(whole.AsSpan(g * 4, 4), CultureInfo.InvariantCulture);
        var padded = fraction.PadRight((fraction.Length + 3) / 4 * 4, '0');
        for (var g = 0; g < padded.Length / 4; g++) digits[count++] = short.Parse(padded.AsSpan(g * 4, 4), CultureInfo.InvariantCulture);

        var weight = wholeGroups - 1;
        var first = 0;
        while (first < count && digits[first] == 0) { first++; weight--; }
        while (count > first && digits[count - 1] == 0) count--;
        var n = count - first;
        if (n == 0) weight = 0;

        BinaryPrimitives.WriteInt32BigEndian(target, 8 + 2 * n);
        BinaryPrimitives.WriteInt16BigEndian(target[4..], (short)n);
        BinaryPrimitives.WriteInt16BigEndian(target[6..], (short)weight);
        BinaryPrimitives.WriteUInt16BigEndian(target[8..], value < 0 && n > 0 ? (ushort)0x4000 : (ushort)0);
        BinaryPrimitives.WriteInt16BigEndian(target[10..], (short)fraction.Length);
        for (var i = 0; i < n; i++) BinaryPrimitives.WriteInt16BigEndian(target[(12 + 2 * i)..], digits[first + i]);
        return 12 + 2 * n;
    }
}
