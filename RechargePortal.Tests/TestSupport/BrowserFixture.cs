using Microsoft.Playwright;

namespace RechargePortal.Tests.TestSupport;

/// <summary>
/// One headless Chromium for the browser tests, and the real app on Kestrel. Uses Debian's
/// Chromium (<c>CHROMIUM_PATH</c> or <c>/usr/bin/chromium</c>); without one, the tests are skipped with the reason.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? playwright;

    public IBrowser? Browser { get; private set; }

    public string? SkipReason { get; private set; }

    /// <summary>The app's clock: a test moves it instead of sleeping (e.g. past the sandbox's processing time).</summary>
    public ShiftableTimeProvider Clock { get; } = new();

    public PortalAppFactory App { get; }

    public BrowserFixture() => App = new PortalAppFactory(null, new Dictionary<string, string?>(), Clock);

    public string BaseUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        // CI machines have two cores and run the whole suite at once: give the live page time to answer.
        Assertions.SetDefaultExpectTimeout(15_000);
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            SkipReason = $"No Chromium at {chromium} (install Debian's chromium or set CHROMIUM_PATH).";
            return;
        }

        App.UseKestrelOverHttps();
        App.StartServer();
        BaseUrl = App.KestrelAddress.ToString().TrimEnd('/');

        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A fresh browser context (own cookies) at the given width; skips the test when there is no browser.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 800)
    {
        Skip.If(Browser is null, SkipReason);
        var context = await Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            // The app's own self-signed certificate (TestCertificate): HTTPS as in production, Secure cookies and all.
            IgnoreHTTPSErrors = true,
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/Account/Login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
    }

    /// <summary>Waits until the page's circuit runs (prerendered HTML is visible earlier but does not react yet).</summary>
    public static Task WaitForInteractiveAsync(IPage page) =>
        page.Locator("[data-interactive=true]").WaitForAsync();

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        await App.DisposeAsync();
    }
}

// Run by themselves once the parallel tests are done: on a two-core machine a browser, its app and other
// test hosts competing for the CPU made Blazor round trips race the next click.
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
