using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Aggregator.Api;

/// <summary>The pages served as plain files (the dashboard, the public page), each from its folder beside the assembly.</summary>
public static class StaticPages
{
    public static WebApplication UseFolderAt(this WebApplication app, string requestPath, string folder)
    {
        app.UseFileServer(new FileServerOptions
        {
            RequestPath = requestPath,
            FileProvider = new PhysicalFileProvider(folder),
            // /page/ answers index.html; /page is redirected to /page/ so that relative URLs resolve.
            EnableDefaultFiles = true,
            StaticFileOptions =
            {
                // Revalidated on every load (a 304 while the file is unchanged), so a new deployment is seen at once.
                OnPrepareResponse = context => context.Context.Response.Headers[HeaderNames.CacheControl] = "no-cache",
            },
        });
        return app;
    }
}
