using Aggregator.Domain.Mappings;
using Aggregator.Domain.Templates.Loading;

namespace Aggregator.Domain.Templates;

/// <summary>Every template and mapping, loaded and checked once at start-up.</summary>
public sealed class TemplateCatalog
{
    private readonly Dictionary<string, ReportTemplate> templates;
    private readonly IReadOnlyList<TemplateMapping> mappings;

    private TemplateCatalog(IReadOnlyList<ReportTemplate> all, IReadOnlyList<TemplateMapping> mappings)
    {
        All = all;
        templates = all.ToDictionary(template => template.Code, StringComparer.Ordinal);
        this.mappings = mappings;
    }

    /// <summary>Templates ordered by the years they apply to.</summary>
    public IReadOnlyList<ReportTemplate> All { get; }

    public IReadOnlyList<TemplateMapping> Mappings => mappings;

    /// <exception cref="TemplateLoadException">A file is malformed; the message names it and the fault.</exception>
    public static TemplateCatalog LoadFromDirectory(string path)
    {
        if (!Directory.Exists(path))
        {
            throw new TemplateLoadException(path, "template directory does not exist");
        }

        return Load(Directory.EnumerateFiles(path, "*.json")
            .Order(StringComparer.Ordinal)
            .Select(file => new TemplateSource(Path.GetFileName(file), () => File.OpenRead(file))));
    }

    /// <exception cref="TemplateLoadException">A file is malformed; the message names it and the fault.</exception>
    public static TemplateCatalog Load(IEnumerable<TemplateSource> sources)
    {
        var files = sources.ToList();
        var templates = new List<ReportTemplate>();
        foreach (var source in files.Where(source => !source.IsMapping))
        {
            using var stream = source.Open();
            var template = TemplateReader.Read(source.FileName, stream);
            if (templates.Any(other => other.Code == template.Code))
            {
                throw new TemplateLoadException(source.FileName, $"template code '{template.Code}' is already used by another file");
            }

            if (templates.FirstOrDefault(other => Overlap(other, template)) is { } overlapping)
            {
                throw new TemplateLoadException(source.FileName, $"years {Years(template)} overlap {overlapping.Code} ({Years(overlapping)})");
            }

            templates.Add(template);
        }

        var mappings = new List<TemplateMapping>();
        foreach (var source in files.Where(source => source.IsMapping))
        {
            using var stream = source.Open();
            mappings.Add(MappingReader.Read(source.FileName, stream, code => templates.FirstOrDefault(template => template.Code == code)));
        }

        return new TemplateCatalog(templates.OrderBy(template => template.FirstYear).ToList(), mappings);
    }

    public ReportTemplate? Find(string code) => templates.GetValueOrDefault(code);

    public ReportTemplate? ForYear(int year) => All.FirstOrDefault(template => template.AppliesTo(year));

    /// <summary>
    /// The comparable indicators from <paramref name="fromCode"/> to <paramref name="toCode"/>: the declared
    /// mapping, or the declared mappings composed along the chain of templates (2017 → 2019 → 2021).
    /// Null when no chain of mappings joins them.
    /// </summary>
    public TemplateMapping? FindMapping(string fromCode, string toCode)
    {
        var chain = FindMappingChain(fromCode, toCode);
        return chain.Count == 0 ? null : chain.Skip(1).Aggregate(chain[0], (composed, next) => composed.Then(next));
    }

    /// <summary>The declared mappings to follow from one template to another; empty when there is none.</summary>
    public IReadOnlyList<TemplateMapping> FindMappingChain(string fromCode, string toCode)
    {
        var previous = new Dictionary<string, TemplateMapping>(StringComparer.Ordinal);
        var queue = new Queue<string>([fromCode]);
        while (queue.TryDequeue(out var code) && code != toCode)
        {
            foreach (var mapping in mappings.Where(mapping => mapping.From == code && mapping.To != fromCode && !previous.ContainsKey(mapping.To)))
            {
                previous[mapping.To] = mapping;
                queue.Enqueue(mapping.To);
            }
        }

        var chain = new List<TemplateMapping>();
        for (var code = toCode; previous.TryGetValue(code, out var step); code = step.From)
        {
            chain.Insert(0, step);
        }

        return chain;
    }

    private static bool Overlap(ReportTemplate a, ReportTemplate b) =>
        a.FirstYear <= (b.LastYear ?? int.MaxValue) && b.FirstYear <= (a.LastYear ?? int.MaxValue);

    private static string Years(ReportTemplate template) => $"{template.FirstYear}–{template.LastYear?.ToString() ?? "…"}";
}
