namespace Aggregator.Api.Public;

/// <summary>
/// The public's page at /public/: plain HTML, CSS and a JavaScript module, copied beside the assembly as <c>Public/</c>
/// and served as they are, like the dashboard (whose vendored ECharts it loads). It needs no key and reads only the
/// key-less /public/v1 answers: a tenant's published years, the table and a chart of one of them.
/// </summary>
public static class PublicPage
{
    public const string Path = "/public";

    public static string Folder => System.IO.Path.Combine(AppContext.BaseDirectory, "Public");

    public static WebApplication UsePublicPage(this WebApplication app) => app.UseFolderAt(Path, Folder);
}
