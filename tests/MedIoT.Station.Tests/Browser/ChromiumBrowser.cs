using System.Collections.Concurrent;
using MedIoT.Testing;
using Microsoft.Playwright;

namespace MedIoT.Station.Tests.Browser;

/// <summary>
/// Debian's chromium (<c>/usr/bin/chromium</c>, headless) driven by Playwright, for a test class
/// (<c>IClassFixture&lt;ChromiumBrowser&gt;</c>). Playwright's driver runs on the machine's Node.js; no browser is downloaded.
/// Each <see cref="NewContextAsync"/> is a fresh profile (no cookies) that accepts the tests' self-signed certificates and
/// reaches loopback only: a request to any other host is aborted and listed in <see cref="BlockedRequests"/>.
/// </summary>
public sealed class ChromiumBrowser : IAsyncLifetime
{
    /// <summary>Where Debian's chromium package installs the browser.</summary>
    public const string ExecutablePath = "/usr/bin/chromium";

    private static readonly HashSet<string> s_loopbackHosts = new(["127.0.0.1", "localhost", "[::1]", "::1"], StringComparer.OrdinalIgnoreCase);

    private readonly ConcurrentQueue<string> _blockedRequests = new();
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The launched browser.</summary>
    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser is not launched: use ChromiumBrowser as an xunit fixture.");

    /// <summary>Requests to a host other than loopback that a page tried to make (aborted).</summary>
    public IReadOnlyCollection<string> BlockedRequests => _blockedRequests;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"The browser '{ExecutablePath}' is not installed. Install it with 'sudo apt-get install chromium', " +
                "or run configs/install.sh, which installs everything the tests need.");
        }

        // Playwright's driver is JavaScript; its build targets are told not to copy a Node.js of their own (the csproj's
        // PlaywrightPlatform), so it runs on the machine's. Process-wide, and the same value for every test.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_NODEJS_PATH", ServerBinary.Require("node", "nodejs"));
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();

        // Running as root (as CI does) chromium needs --no-sandbox.
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ExecutablePath, Headless = true, Args = ["--no-sandbox"] });
    }

    /// <summary>A fresh browser profile that accepts self-signed certificates and reaches loopback only.</summary>
    public async Task<IBrowserContext> NewContextAsync()
    {
        var context = await Browser.NewContextAsync(new() { IgnoreHTTPSErrors = true });
        await context.RouteAsync("**/*", async route =>
        {
            if (Uri.TryCreate(route.Request.Url, UriKind.Absolute, out var url) && !url.IsLoopback && !s_loopbackHosts.Contains(url.Host)
                && url.Scheme is "http" or "https" or "ws" or "wss")
            {
                _blockedRequests.Enqueue(route.Request.Url);
                await route.AbortAsync("blockedbyclient");
                return;
            }

            await route.ContinueAsync();
        });
        return context;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
