using System.Net;
using System.Text.RegularExpressions;
using RechargePortal.Security;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Security;

/// <summary>
/// Every kind of answer carries the security headers and no <c>Server</c> header: the real app on Kestrel
/// (the in-memory test server never writes a Server header, so it could not show that one is gone).
/// </summary>
public sealed partial class SecurityHeadersTests(SecurityHeadersTests.KestrelApp app) : IClassFixture<SecurityHeadersTests.KestrelApp>
{
    public sealed class KestrelApp : PortalAppFactory, IAsyncLifetime
    {
        public Task InitializeAsync()
        {
            UseKestrelOverHttps();
            StartServer();
            return Task.CompletedTask;
        }

        Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;

        /// <summary>A client over a real socket, keeping cookies, not following redirects.</summary>
        public HttpClient SocketClient() =>
            new(new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = true,
                CookieContainer = new CookieContainer(),
                SslOptions = { RemoteCertificateValidationCallback = TestCertificate.Validation },
            })
            {
                BaseAddress = KestrelAddress,
            };

        public async Task<HttpClient> SignedInSocketClientAsync(string email, string password)
        {
            var client = SocketClient();
            var response = await PostLoginAsync(client, email, password);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            return client;
        }
    }

    [Fact]
    public async Task The_sign_in_page_has_the_headers()
    {
        var response = await app.SocketClient().GetAsync("/Account/Login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = AssertSecurityHeaders(response);
        // The one inline script, Blazor's import map, carries this answer's nonce.
        var html = await response.Content.ReadAsStringAsync();
        var nonce = Regex.Match(csp, "'nonce-([^']+)'").Groups[1].Value;
        Assert.Matches($"<script type=\"importmap\" nonce=\"{Regex.Escape(nonce)}\">", html);
        Assert.DoesNotMatch("<script(?![^>]*\\b(src|nonce)=)[^>]*>", html);
    }

    [Fact]
    public async Task Each_answer_gets_a_nonce_of_its_own()
    {
        var client = app.SocketClient();

        var first = AssertSecurityHeaders(await client.GetAsync("/Account/Login"));
        var second = AssertSecurityHeaders(await client.GetAsync("/Account/Login"));

        Assert.NotEqual(first, second);
        // Enough of them to see that the nonce is always written as it is (nothing for HTML to escape).
        for (var i = 0; i < 20; i++)
        {
            var response = await client.GetAsync("/Account/Login");
            var nonce = Regex.Match(AssertSecurityHeaders(response), "'nonce-([^']+)'").Groups[1].Value;
            Assert.Matches("^[A-Za-z0-9_-]{24}$", nonce);
            Assert.Contains($"nonce=\"{nonce}\"", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task A_signed_in_page_has_the_headers()
    {
        var client = await app.SignedInSocketClientAsync(PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);

        var response = await client.GetAsync("/admin/users");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task The_transactions_csv_has_the_headers()
    {
        var email = await app.CreateUserAsync(Roles.Auditor);
        var client = await app.SignedInSocketClientAsync(email, PortalAppFactory.UserPassword);

        var response = await client.GetAsync("/reports/transactions.csv?from=2025-10-01&to=2025-10-31");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task The_wallet_statement_csv_has_the_headers()
    {
        var email = await app.CreateUserAsync(Roles.Reseller);
        var client = await app.SignedInSocketClientAsync(email, PortalAppFactory.UserPassword);

        var response = await client.GetAsync("/wallet/statement.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        AssertSecurityHeaders(response);
    }

    [Theory]
    [InlineData("/hangfire")]
    [InlineData("/hangfire/recurring")]
    public async Task The_jobs_dashboard_has_the_headers(string path)
    {
        var client = await app.SignedInSocketClientAsync(PortalAppFactory.AdminEmail, PortalAppFactory.AdminPassword);

        var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("RechargePortal jobs", await response.Content.ReadAsStringAsync());
        AssertSecurityHeaders(response);
    }

    [Theory]
    [InlineData("/assets/css/portal.css")]
    [InlineData("/no-such-page")]
    [InlineData("/health")]
    public async Task Static_files_error_pages_and_health_have_the_headers(string path)
    {
        var response = await app.SocketClient().GetAsync(path);

        AssertSecurityHeaders(response);
    }

    /// <summary>The headers every answer must carry; returns the policy.</summary>
    private static string AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.False(response.Headers.Contains("Server"), $"Server: {string.Join(", ", response.Headers.TryGetValues("Server", out var s) ? s : [])}");
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        var directives = csp.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(d => d.Split(' ')[0], d => d.Split(' ').Skip(1).ToArray());
        Assert.Equal(["'self'"], directives["default-src"]);
        Assert.Equal("'self'", directives["script-src"][0]);
        Assert.Single(directives["script-src"], s => s.StartsWith("'nonce-", StringComparison.Ordinal));
        Assert.Equal(2, directives["script-src"].Length);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.DoesNotContain("'unsafe-inline'", string.Join(' ', directives["script-src"]));
        Assert.Equal(["'self'"], directives["connect-src"]);
        Assert.Equal(["'self'", "data:"], directives["img-src"]);
        Assert.Equal(["'none'"], directives["object-src"]);
        Assert.Equal(["'self'"], directives["frame-ancestors"]);
        Assert.Equal(["'self'"], directives["form-action"]);
        Assert.Equal(["'self'"], directives["base-uri"]);
        return csp;
    }
}
