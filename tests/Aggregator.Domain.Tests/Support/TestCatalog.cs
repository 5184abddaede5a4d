using Aggregator.Domain.Templates;

namespace Aggregator.Domain.Tests.Support;

internal static class TestCatalog
{
    private static readonly Lazy<TemplateCatalog> Loaded = new(() => TemplateCatalog.LoadFromDirectory(Directory));

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "templates");

    public static TemplateCatalog Instance => Loaded.Value;

    public static ReportTemplate Bj2017 => Instance.Find("bj-gip-2017")!;

    public static ReportTemplate Cn2019 => Instance.Find("cn-gip-2019")!;

    public static ReportTemplate Cn2021 => Instance.Find("cn-gip-2021")!;
}
