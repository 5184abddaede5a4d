namespace Aggregator.Api.Dashboard;

/// <summary>
/// The district office's page at /dashboard/: plain HTML, CSS and JavaScript modules (and a vendored ECharts),
/// copied beside the assembly as <c>Dashboard/</c> at build and publish, and served from there as they are. The
/// page loads without a key; every call it makes to the API sends the key the officer pasted, so it can read no
/// more than that key can.
/// </summary>
public static class DashboardPage
{
    public const string Path = "/dashboard";

    /// <summary>Where the build copies the page (the project's Dashboard folder, less its C#).</summary>
    public static string Folder => System.IO.Path.Combine(AppContext.BaseDirectory, "Dashboard");

    public static WebApplication UseDashboardPage(this WebApplication app) => app.UseFolderAt(Path, Folder);
}
