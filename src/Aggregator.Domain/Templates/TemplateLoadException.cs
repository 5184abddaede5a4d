namespace Aggregator.Domain.Templates;

/// <summary>A template or mapping file is unusable; the message names the file and the fault.</summary>
public sealed class TemplateLoadException : Exception
{
    public TemplateLoadException(string file, string fault, Exception? inner = null)
        : base($"{file}: {fault}", inner)
    {
        File = file;
        Fault = fault;
    }

    public string File { get; }

    public string Fault { get; }
}
