using Aggregator.Domain.Templates;

namespace Aggregator.Api.Templates;

public static class TemplateRegistration
{
    /// <summary>
    /// Loads db/templates (copied beside the binaries, or Aggregator:TemplateDirectory) once, at start-up:
    /// a malformed template stops the process with a message naming the file and the fault.
    /// </summary>
    public static WebApplicationBuilder AddTemplates(this WebApplicationBuilder builder)
    {
        var directory = builder.Configuration["Aggregator:TemplateDirectory"]
                        ?? Path.Combine(AppContext.BaseDirectory, "templates");
        builder.Services.AddSingleton(TemplateCatalog.LoadFromDirectory(directory));
        return builder;
    }
}
