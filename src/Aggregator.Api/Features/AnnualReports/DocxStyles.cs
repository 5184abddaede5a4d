using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Aggregator.Api.Features.AnnualReports;

/// <summary>
/// The styles and fonts of the report. Chinese fonts are named as offices have them (仿宋_GB2312, 方正小标宋简体,
/// 楷体_GB2312) and declared in the font table with the names Windows ships (仿宋, 宋体, 楷体) as alternatives and the
/// GB2312 character set, so that Word or LibreOffice without the office fonts still sets the text in a Chinese face.
/// </summary>
internal static class DocxStyles
{
    public const string Title = "ReportTitle";
    public const string Text = "ReportText";
    public const string Caption = "TableCaption";
    public const string TableText = "TableText";
    public const string TableGap = "TableGap";

    public const uint PageWidth = 11906U;
    public const uint LeftMargin = 1588U;
    public const uint RightMargin = 1474U;
    public const int TextWidth = (int)(PageWidth - LeftMargin - RightMargin);

    private const string Song = "宋体";
    private const string FangSong = "仿宋_GB2312";
    private const string Hei = "黑体";
    private const string Kai = "楷体_GB2312";
    private const string TitleFont = "方正小标宋简体";

    public static string Heading(int level) => $"Heading{Math.Clamp(level, 1, 3)}";

    public static void AddTo(MainDocumentPart main)
    {
        main.AddNewPart<StyleDefinitionsPart>().Styles = new Styles(
            new DocDefaults(
                new RunPropertiesDefault(new RunPropertiesBaseStyle(Fonts(FangSong), new FontSize { Val = "32" }, new FontSizeComplexScript { Val = "32" },
                    new Languages { Val = "en-US", EastAsia = "zh-CN" })),
                new ParagraphPropertiesDefault(new ParagraphPropertiesBaseStyle(new SpacingBetweenLines { After = "0", Line = "560", LineRule = LineSpacingRuleValues.Exact }))),
            Paragraph("Normal", "Normal", null, isDefault: true),
            Paragraph(Title, "Report Title", null, new StyleParagraphProperties(
                    new SpacingBetweenLines { Before = "0", After = "560", Line = "700", LineRule = LineSpacingRuleValues.Exact },
                    new Justification { Val = JustificationValues.Center }),
                new StyleRunProperties(Fonts(TitleFont), new FontSize { Val = "44" }, new FontSizeComplexScript { Val = "44" })),
            Paragraph(Text, "Report Text", null, new StyleParagraphProperties(Indent(), new Justification { Val = JustificationValues.Both })),
            Paragraph(Heading(1), "heading 1", 0, new StyleParagraphProperties(new KeepNext(), Indent(), new OutlineLevel { Val = 0 }),
                new StyleRunProperties(Fonts(Hei), new Bold(), new BoldComplexScript())),
            Paragraph(Heading(2), "heading 2", 1, new StyleParagraphProperties(new KeepNext(), Indent(), new OutlineLevel { Val = 1 }),
                new StyleRunProperties(Fonts(Kai))),
            Paragraph(Heading(3), "heading 3", 2, new StyleParagraphProperties(new KeepNext(), Indent(), new OutlineLevel { Val = 2 }),
                new StyleRunProperties(new Bold(), new BoldComplexScript())),
            Paragraph(Caption, "Table Caption", null, new StyleParagraphProperties(new KeepNext(),
                    new SpacingBetweenLines { Before = "240", After = "240", Line = "600", LineRule = LineSpacingRuleValues.Exact },
                    new Justification { Val = JustificationValues.Center }),
                new StyleRunProperties(Fonts(TitleFont), new FontSize { Val = "36" }, new FontSizeComplexScript { Val = "36" })),
            Paragraph(TableText, "Table Text", null, new StyleParagraphProperties(
                    new SpacingBetweenLines { Before = "0", After = "0", Line = "280", LineRule = LineSpacingRuleValues.AtLeast }),
                new StyleRunProperties(Fonts(Song), new FontSize { Val = "21" }, new FontSizeComplexScript { Val = "21" })),
            Paragraph(TableGap, "Table Gap", null, new StyleParagraphProperties(
                new SpacingBetweenLines { Before = "0", After = "0", Line = "240", LineRule = LineSpacingRuleValues.Auto })));

        main.AddNewPart<FontTablePart>().Fonts = new DocumentFormat.OpenXml.Wordprocessing.Fonts(
            Font(FangSong, "仿宋", "02010609030101010101", FontFamilyValues.Modern),
            Font(Song, "SimSun", "02010600030101010101", FontFamilyValues.Auto),
            Font(Hei, "SimHei", "02010609060101010101", FontFamilyValues.Modern),
            Font(Kai, "楷体", "02010609030101010101", FontFamilyValues.Modern),
            Font(TitleFont, "宋体", "02000000000000000000", FontFamilyValues.Auto));
    }

    /// <summary>A Chinese face for Chinese text, Times New Roman for figures and Latin letters, as official documents set them.</summary>
    public static RunFonts Fonts(string eastAsia) =>
        new() { Ascii = "Times New Roman", HighAnsi = "Times New Roman", ComplexScript = "Times New Roman", EastAsia = eastAsia, Hint = FontTypeHintValues.EastAsia };

    /// <summary>Two characters' first-line indent.</summary>
    private static Indentation Indent() => new() { FirstLineChars = 200, FirstLine = "640" };

    private static Style Paragraph(string id, string name, int? headingLevel, StyleParagraphProperties? paragraph = null,
        StyleRunProperties? run = null, bool isDefault = false)
    {
        var style = new Style { Type = StyleValues.Paragraph, StyleId = id, Default = isDefault ? true : null };
        style.Append(new StyleName { Val = name });
        if (id != "Normal") style.Append(new BasedOn { Val = "Normal" });
        if (headingLevel is not null) style.Append(new NextParagraphStyle { Val = Text }, new UIPriority { Val = 9 }, new PrimaryStyle());
        if (paragraph is not null) style.Append(paragraph);
        if (run is not null) style.Append(run);
        return style;
    }

    private static Font Font(string name, string alternative, string panose, FontFamilyValues family) => new(
        new AltName { Val = alternative },
        new Panose1Number { Val = panose },
        new FontCharSet { Val = "86" },
        new DocumentFormat.OpenXml.Wordprocessing.FontFamily { Val = family },
        new Pitch { Val = FontPitchValues.Variable }) { Name = name };
}
