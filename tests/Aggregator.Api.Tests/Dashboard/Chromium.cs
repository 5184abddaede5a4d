using Microsoft.Playwright;

namespace Aggregator.Api.Tests.Dashboard;

/// <summary>
/// One headless Chromium for the dashboard's tests: Debian's <c>chromium</c> package driven by Playwright, which
/// cannot download browsers of its own here (its installer is never called). `.ci/run` installs the package.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException(
        $"No browser for the dashboard tests: {ExecutablePath} is missing. Install Debian's chromium package " +
        "(apt-get install -y chromium); .ci/run does.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath)) return; // each test then fails with the message above
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }

    /// <summary>A fresh page (its own sessionStorage) on a 1366×768 screen, at the API's real address.</summary>
    public async Task<IPage> PageAsync(Uri api)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = api.ToString(),
            ViewportSize = new ViewportSize { Width = 1366, Height = 768 },
            Locale = "zh-CN",
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }
}
