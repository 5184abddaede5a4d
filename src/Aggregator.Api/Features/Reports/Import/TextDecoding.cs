using System.Text;

namespace Aggregator.Api.Features.Reports.Import;

/// <summary>
/// The text of an uploaded .txt, whatever the editor saved it as: UTF-8 (with or without BOM), UTF-16 with a BOM,
/// or GB18030 — what Notepad's "ANSI" writes on a Chinese Windows, GBK being a subset of it. A BOM decides; without
/// one, bytes that are valid UTF-8 are UTF-8 (GBK text is almost never valid UTF-8), and anything else is GB18030.
/// </summary>
public static class TextDecoding
{
    public const string Utf8 = "utf-8";
    public const string Utf16LittleEndian = "utf-16le";
    public const string Utf16BigEndian = "utf-16be";
    public const string Gb18030 = "gb18030";

    /// <summary>Every answer's <c>encoding</c>, as the OpenAPI document lists them.</summary>
    public static readonly IReadOnlyList<string> All = [Utf8, Utf16LittleEndian, Utf16BigEndian, Gb18030];

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// GB18030 from the code pages shipped with .NET, without registering the provider process-wide: nothing else of
    /// the API should start reading legacy code pages by accident.
    /// </summary>
    private static readonly Encoding Gb18030Encoding = CodePagesEncodingProvider.Instance.GetEncoding(54936)
        ?? throw new InvalidOperationException("GB18030 (code page 54936) is not available.");

    public static (string Text, string Encoding) Decode(ReadOnlySpan<byte> bytes)
    {
        // After a UTF-8 BOM the text is UTF-8 even if damaged: a broken byte becomes U+FFFD rather than a guess at another encoding.
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return (Encoding.UTF8.GetString(bytes[3..]), Utf8);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return (Encoding.Unicode.GetString(bytes[2..]), Utf16LittleEndian);
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return (Encoding.BigEndianUnicode.GetString(bytes[2..]), Utf16BigEndian);
        try { return (StrictUtf8.GetString(bytes), Utf8); }
        catch (DecoderFallbackException) { return (Gb18030Encoding.GetString(bytes), Gb18030); }
    }
}
