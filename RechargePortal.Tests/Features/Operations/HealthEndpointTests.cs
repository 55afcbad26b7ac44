using System.Net;
using System.Text.Json;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RechargePortal.Tests.TestSupport;

namespace RechargePortal.Tests.Features.Operations;

public sealed class HealthEndpointTests(PortalAppFactory app) : IClassFixture<PortalAppFactory>
{
    [Fact]
    public async Task Health_answers_200_with_a_json_body_without_login()
    {
        var response = await app.CreateBrowserlikeClient().GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("ok", body.RootElement.GetProperty("database").GetString());
    }

    [Fact]
    public async Task Health_reports_the_job_storage_and_which_instance_answered()
    {
        using var body = await JsonOfAsync(app, "/health", HttpStatusCode.OK);

        Assert.Equal("ok", body.RootElement.GetProperty("jobs").GetString());
        Assert.Equal(PortalAppFactory.OnPostgres ? "PostgreSql" : "InMemory", body.RootElement.GetProperty("jobStorage").GetString());
        Assert.Equal($"{Environment.MachineName}-{Environment.ProcessId}", body.RootElement.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task Ready_answers_200_without_login_once_the_app_has_started_and_its_stores_answer()
    {
        using var body = await JsonOfAsync(app, "/health/ready", HttpStatusCode.OK);

        Assert.Equal("ready", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("yes", body.RootElement.GetProperty("started").GetString());
        Assert.Equal("ok", body.RootElement.GetProperty("database").GetString());
        Assert.Equal("ok", body.RootElement.GetProperty("jobs").GetString());
    }

    [Fact]
    public async Task A_configured_instance_id_names_the_instance_in_both_answers()
    {
        using var named = new PortalAppFactory(null, new Dictionary<string, string?> { ["Portal:InstanceId"] = "portal-2" });

        using var health = await JsonOfAsync(named, "/health", HttpStatusCode.OK);
        using var ready = await JsonOfAsync(named, "/health/ready", HttpStatusCode.OK);

        Assert.Equal("portal-2", health.RootElement.GetProperty("instance").GetString());
        Assert.Equal("portal-2", ready.RootElement.GetProperty("instance").GetString());
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/health/ready")]
    public async Task Neither_answer_shows_the_connection_string_or_the_database_file(string path)
    {
        var text = await app.CreateBrowserlikeClient().GetStringAsync(path);

        Assert.DoesNotContain(Path.GetFileNameWithoutExtension(app.DatabasePath).Replace('-', '_'), text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Path.GetFileNameWithoutExtension(app.DatabasePath), text, StringComparison.OrdinalIgnoreCase);
        foreach (var secretish in new[] { "Data Source", "Host=", "Password", "Username", "keyring" })
        {
            Assert.DoesNotContain(secretish, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task When_the_job_storage_does_not_answer_health_says_so_and_the_instance_is_not_ready()
    {
        var storage = new SwitchableStorage();
        using var down = new PortalAppFactory(null, new Dictionary<string, string?>(), configureServices: services => services.AddSingleton<JobStorage>(storage));
        _ = down.Services;
        storage.Down = true;

        using var health = await JsonOfAsync(down, "/health", HttpStatusCode.ServiceUnavailable);
        using var ready = await JsonOfAsync(down, "/health/ready", HttpStatusCode.ServiceUnavailable);

        Assert.Equal("unhealthy", health.RootElement.GetProperty("status").GetString());
        Assert.Equal("ok", health.RootElement.GetProperty("database").GetString());
        Assert.Equal("unreachable", health.RootElement.GetProperty("jobs").GetString());
        Assert.Equal("not ready", ready.RootElement.GetProperty("status").GetString());
        Assert.Equal("unreachable", ready.RootElement.GetProperty("jobs").GetString());
    }

    [Fact]
    public async Task A_stopping_instance_is_not_ready_so_the_proxy_stops_sending_it_work()
    {
        var hold = new HoldStop();
        using var stopping = new PortalAppFactory(null, new Dictionary<string, string?>(), configureServices: services => services.AddHostedService(_ => hold));
        _ = stopping.Services;
        var client = stopping.CreateBrowserlikeClient();
        using (var before = await JsonOfAsync(stopping, "/health/ready", HttpStatusCode.OK))
        {
            Assert.Equal("ready", before.RootElement.GetProperty("status").GetString());
        }

        // The host is told to stop (as systemd's SIGTERM does); hosted services stop last-registered first, so this one
        // holds the stop while the server still answers.
        stopping.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        await hold.Stopping.WaitAsync(TimeSpan.FromSeconds(30));
        var response = await client.GetAsync("/health/ready");
        hold.Release.TrySetResult();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("stopping", body.RootElement.GetProperty("started").GetString());
    }

    private static async Task<JsonDocument> JsonOfAsync(PortalAppFactory factory, string path, HttpStatusCode expected)
    {
        var response = await factory.CreateBrowserlikeClient().GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text);
    }

    /// <summary>Hangfire's in-memory storage that can be made to stop answering, as a PostgreSQL storage would when its server goes away.</summary>
    private sealed class SwitchableStorage : JobStorage
    {
        private readonly InMemoryStorage inner = new();

        public volatile bool Down;

        public override IMonitoringApi GetMonitoringApi() => Down ? throw new InvalidOperationException("storage down") : inner.GetMonitoringApi();

        public override IStorageConnection GetConnection() => Down ? throw new InvalidOperationException("storage down") : inner.GetConnection();
    }

    private sealed class HoldStop : IHostedService
    {
        private readonly TaskCompletionSource stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Stopping => stopping.Task;

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            stopping.TrySetResult();
            await Release.Task.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
        }
    }

    [Theory]
    [InlineData("/assets/css/portal.css", "text/css")]
    [InlineData("/assets/img/logo.svg", "image/svg+xml")]
    [InlineData("/assets/img/operators/grameenphone.svg", "image/svg+xml")]
    [InlineData("/_framework/blazor.web.js", "text/javascript")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css", "text/css")]
    public async Task The_assets_the_login_page_needs_are_served_without_login(string path, string mediaType)
    {
        var response = await app.CreateBrowserlikeClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
    }
}
