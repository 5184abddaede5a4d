using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Aggregator.Domain.Narrative;
using Aggregator.Domain.Templates;
using Aggregator.Domain.Tests.Support;

namespace Aggregator.Domain.Tests.Narrative;

public sealed class NarrativeCheckTests
{
    /// <summary>The seed's text before its statistics table: its prose.</summary>
    private static string SeedProse
    {
        get
        {
            var text = File.ReadAllText(SeedReport.FixturePath);
            return text[..text.IndexOf("政府信息公开情况统计表", StringComparison.Ordinal)];
        }
    }

    private static IReadOnlyList<NarrativeMismatch> Check(string prose, ReportTemplate? template = null) =>
        NarrativeCheck.Check(template ?? TestCatalog.Bj2017, prose, SeedReport.Values);

    [Fact]
    public void Should_find_where_the_seed_prose_contradicts_its_own_table()
    {
        var mismatches = Check(SeedProse);

        // The prose answers three applications (a third "申请内容不明确"); the table answered two (3.3 = 2, 3.3.7 = 0):
        // so its shares of the answers (33%) are 50% by the table.
        Assert.Equal(
            [("3.3", null, 3m, 2m), ("3.3.3", "3.3", 33m, 50m), ("3.3.5", "3.3", 33m, 50m), ("3.3.7", null, 1m, 0m)],
            mismatches.Select(m => (m.Indicator, m.Of, m.Stated, m.Table)));
        Assert.Equal("在已经答复的3件申请中：“同意部分公开”的1件，占总数33%；", mismatches[0].Sentence);
        Assert.Equal("正文“在已经答复的3件申请中：“同意部分公开”的1件，占总数33%；”中申请答复数(3.3)为3，统计表为2。",
            mismatches[0].Message(TestCatalog.Bj2017));
    }

    [Fact]
    public void Should_not_warn_where_the_seed_prose_agrees_with_its_table()
    {
        var indicators = Check(SeedProse).Select(m => m.Indicator).ToList();

        // 975 disclosures, 3 applications (2 online 67%, 1 by letter 33%), 1 full-time and 0 part-time staff, 2 trainings.
        Assert.DoesNotContain("1.1", indicators);
        Assert.DoesNotContain("3.1", indicators);
        Assert.DoesNotContain("3.1.3", indicators);
        Assert.DoesNotContain("3.1.4", indicators);
        Assert.DoesNotContain("8.3.1", indicators);
        Assert.DoesNotContain("8.3.2", indicators);
        Assert.DoesNotContain("9.2", indicators);
        // The fees are left empty in the table: "共计0元" is not compared with an empty cell.
        Assert.DoesNotContain("7", indicators);
    }

    [Fact]
    public void Should_name_the_indicator_and_both_numbers_when_the_prose_misstates_a_count()
    {
        var mismatch = Check(SeedProse.Replace("975条", "957条", StringComparison.Ordinal)).First();

        Assert.Equal(("1.1", 957m, 975m), (mismatch.Indicator, mismatch.Stated, mismatch.Table));
        Assert.Equal("本单位2017年共主动公开政府信息957条，其中全文电子化率达100%。", mismatch.Sentence);
        Assert.Contains("主动公开政府信息数(1.1)为957，统计表为975", mismatch.Message(TestCatalog.Bj2017));
    }

    [Theory]
    [InlineData("共主动公开政府信息９７５条。", null)]
    [InlineData("共主动公开政府信息 975 条。", null)]
    [InlineData("共主动公\n开政府信息\r\n975条。", null)]
    [InlineData("共主动公开政府信息0,975条。", null)]
    [InlineData("共主动公开政府信息1,234条。", "1234")]
    [InlineData("共主动公开政府信息１，２３４条。", null)]
    [InlineData("共主动公开政府信息0.1万条。", null)]
    [InlineData("共主动公开政府信息0.098万条。", null)]
    [InlineData("共主动公开政府信息1.5万条。", "15000")]
    [InlineData("共主动公开政府信息1975条。", "1975")]
    [InlineData("共主动公开政府信息９５７条。", "957")]
    [InlineData("共主动公开政府信息99999999999999999999万条。", "999999999999999999990000")]
    [InlineData("共主动公开政府信息9999999999999999999999999999万条。", null)]
    public void Should_read_numbers_as_reports_write_them(string prose, string? stated)
    {
        var mismatch = Check(prose).SingleOrDefault();

        Assert.Equal(stated is null ? null : decimal.Parse(stated, System.Globalization.CultureInfo.InvariantCulture), mismatch?.Stated);
        if (mismatch is not null) Assert.Equal(975m, mismatch.Table);
    }

    [Theory]
    [InlineData("共收到政府信息公开申请3件。其中，通过互联网提交申请有2件，占总数的66%。", null)]
    [InlineData("共收到政府信息公开申请3件。其中，通过互联网提交申请有2件，占总数的65.5％。", 65.5)]
    [InlineData("共收到政府信息公开申请3件。其中，通过互联网提交申请有2件，占总数的67.5%。", null)]
    [InlineData("共收到政府信息公开申请3件。其中，通过互联网提交申请有2件，占总数的70%。", 70.0)]
    public void Should_count_a_share_as_a_disagreement_only_when_more_than_a_point_off(string prose, double? stated)
    {
        var mismatch = Check(prose).SingleOrDefault();

        Assert.Equal(stated is null ? null : (decimal)stated.Value, mismatch?.Stated);
        if (mismatch is not null) Assert.Equal(("3.1.3", "3.1", 66.7m), (mismatch.Indicator, mismatch.Of, mismatch.Table));
    }

    [Fact]
    public void Should_give_a_number_to_the_phrase_that_says_most_about_it()
    {
        // "同意公开的1件" (3.3.2) is inside "不同意公开的1件" (3.3.4): the number is 3.3.4's, which the table has as 0.
        var mismatches = Check("在已经答复的2件申请中：“不同意公开”的1件。");

        Assert.Equal([("3.3.4", 1m, 0m)], mismatches.Select(m => (m.Indicator, m.Stated, m.Table)));
    }

    [Fact]
    public void Should_check_the_national_layouts_cells()
    {
        var values = new Dictionary<string, decimal?> { ["3.1:total"] = 12, ["3.3.7:total"] = 10, ["3.3.1:total"] = 5 };

        var mismatches = NarrativeCheck.Check(TestCatalog.Cn2021, "本年度共收到政府信息公开申请13件，办结申请10件，其中予以公开5件，占比60%。", values);

        Assert.Equal([("3.1:total", null, 13m, 12m), ("3.3.1:total", "3.3.7:total", 60m, 50m)],
            mismatches.Select(m => (m.Indicator, m.Of, m.Stated, m.Table)));
        Assert.All(TestCatalog.Instance.All, template => Assert.NotEmpty(template.Narrative));
    }

    [Fact]
    public void Should_keep_the_sentence_readable_and_bounded_whatever_the_text()
    {
        var prose = "\u0000\u0001共主动公开\u0007政府信息957条" + new string('长', 500) + "\ud800。";

        var mismatch = Assert.Single(Check(prose));

        Assert.True(mismatch.Sentence.Length <= NarrativeCheck.MaxSentenceCharacters, mismatch.Sentence);
        Assert.StartsWith("共主动公开 政府信息957条长", mismatch.Sentence);
        Assert.DoesNotContain(mismatch.Sentence, c => char.IsControl(c) || char.IsSurrogate(c));
    }

    [Fact]
    public void Should_do_bounded_work_on_a_huge_prose_full_of_numbers()
    {
        var prose = new StringBuilder();
        for (var i = 0; prose.Length < 2_000_000; i++)
            prose.Append("共主动公开政府信息").Append(i).Append("条，通过互联网提交申请有").Append(i % 7).Append("件，占总数的").Append(i % 100).Append("%；1,234.5万");

        var clock = Stopwatch.StartNew();
        var mismatches = Check(prose.ToString());
        clock.Stop();

        // One per indicator, the first in the text: 1.1 stated as 0, 3.1.3 as 0 (its share then not compared).
        Assert.Equal([("1.1", 0m), ("3.1.3", 0m)], mismatches.Select(m => (m.Indicator, m.Stated)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Should_tell_at_most_twenty_mismatches_however_many_figures_the_prose_misstates()
    {
        // Every count phrase of the template, each stating 99999.
        var prose = string.Join("。", TestCatalog.Bj2017.Narrative.Where(phrase => phrase.Of is null).Select(phrase =>
            phrase.Pattern.Replace("{n}", "99999", StringComparison.Ordinal).Replace("[", "", StringComparison.Ordinal)
                .Replace("]", "", StringComparison.Ordinal).Replace("…", "", StringComparison.Ordinal)));

        var mismatches = Check(prose);

        Assert.Equal(NarrativeCheck.MaxMismatches, mismatches.Count);
        Assert.Equal(mismatches.Count, mismatches.Select(m => m.Indicator).Distinct().Count());
        Assert.All(mismatches, m => Assert.Equal(99999m, m.Stated));
        Assert.Equal("1.1", mismatches[0].Indicator);
    }

    [Fact]
    public void Should_match_in_linear_time_where_a_backtracking_engine_would_not()
    {
        // Every character may be whitespace or a quotation mark between two letters of a phrase: a backtracking engine
        // tries each split of such runs; the phrases are compiled to a non-backtracking one.
        var prose = "共" + string.Concat(Enumerable.Repeat(" “”\n", 20_000)) + "主动公开政府信息" + string.Concat(Enumerable.Repeat("9", 10_000)) + "x";

        var clock = Stopwatch.StartNew();
        var mismatches = Check(prose);
        clock.Stop();

        Assert.Empty(mismatches);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Theory]
    [InlineData("{\"indicator\":\"9.9\",\"phrases\":[\"共{n}条\"]}", "names no indicator")]
    [InlineData("{\"indicator\":\"1.1\",\"phrases\":[\"共主动公开政府信息条\"]}", "states nothing")]
    [InlineData("{\"indicator\":\"1.1\",\"phrases\":[\"共{n}条{n}\"]}", "at most once")]
    [InlineData("{\"indicator\":\"1.1\",\"phrases\":[\"共{n}条[的\"]}", "unclosed")]
    [InlineData("{\"indicator\":\"1.1\",\"phrases\":[\"共{n}条，占{p}%\"]}", "names no 'of'")]
    [InlineData("{\"indicator\":\"3.1.3\",\"of\":\"3.1\",\"phrases\":[\"网络申请{n}件\"]}", "states no {p}")]
    [InlineData("{\"indicator\":\"1.1\",\"phrases\":[]}", "has no phrases")]
    [InlineData("{\"indicator\":\"1.1\",\"phrase\":[\"共{n}条\"]}", "invalid JSON")]
    public void Should_refuse_to_load_a_template_with_a_malformed_phrase(string entry, string fault)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(TestCatalog.Directory, "bj-gip-2017.json")))!;
        json["narrative"] = new JsonArray(JsonNode.Parse(entry));

        var error = Assert.Throws<TemplateLoadException>(() => TemplateCatalog.Load(
            [new TemplateSource("bj-gip-2017.json", () => new MemoryStream(Encoding.UTF8.GetBytes(json.ToJsonString())))]));

        Assert.Contains("bj-gip-2017.json", error.Message);
        Assert.Contains(fault, error.Message);
    }
}
